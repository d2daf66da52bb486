/**
 * The runtime adapter: everything that differs between Deno, Bun and Node —
 * stdio, child processes, serving HTTP (and the Node `http` bridge), timers
 * that must not keep the process alive, argv and environment.
 *
 * @example
 * ```ts
 * import { runtimeName, serveHttp } from "./mod.ts";
 * const http = await serveHttp(() => new Response("ok"), { port: 0 });
 * console.log(runtimeName(), http.url);
 * await http.close();
 * ```
 *
 * @module
 */
export {
  type ChildProcessExit,
  type ChildProcessHandle,
  exitProcess,
  getEnv,
  type HttpServerHandle,
  type ProcessStdio,
  type RuntimeName,
  runtimeName,
  serveHttp,
  type ServeHttpOptions,
  type SpawnOptions,
  spawnProcess,
  stdio,
  toNodeHandler,
} from "./runtime.ts";
export { backgroundInterval, backgroundTimeout, type BackgroundTimer } from "./timers.ts";
