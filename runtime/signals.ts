/**
 * Shutdown signals — Ctrl-C (`SIGINT`) and a polite kill (`SIGTERM`) — on Deno, Bun and Node.
 *
 * @module
 */
import { currentAdapter, type ShutdownSignal } from "./adapter.ts";

export type { ShutdownSignal } from "./adapter.ts";

const SHUTDOWN_SIGNALS: readonly ShutdownSignal[] = ["SIGINT", "SIGTERM"];

/**
 * Calls `handler` with the signal's name whenever the process receives `SIGINT` or `SIGTERM`,
 * and returns a function that stops listening. While a handler is registered, the signals no
 * longer end the process: the handler decides when to exit. Listening does not keep the process
 * alive by itself. Where a signal cannot be listened for (`SIGTERM` on Windows under Deno), it
 * is skipped.
 *
 * @example
 * ```ts
 * import { exitProcess, onShutdownSignal, serveHttp } from "./mod.ts";
 * const server = await serveHttp(() => new Response("ok"));
 * const unsubscribe = onShutdownSignal(async (signal) => {
 *   unsubscribe(); // a second Ctrl-C ends the process at once
 *   console.error(`${signal}: closing`);
 *   await server.close();
 *   exitProcess(0);
 * });
 * ```
 */
export function onShutdownSignal(handler: (signal: ShutdownSignal) => void): () => void {
  const removers: (() => void)[] = [];
  for (const signal of SHUTDOWN_SIGNALS) {
    try {
      removers.push(currentAdapter.onSignal(signal, () => handler(signal)));
    } catch {
      // Not available on this platform; the other signal still is.
    }
  }
  return (): void => {
    for (const remove of removers.splice(0)) remove();
  };
}
