/**
 * The runtime adapter: everything that differs between Deno, Bun and Node —
 * stdio, child processes, serving HTTP (and the Node `http` bridge), sending HTTP, timers
 * that must not keep the process alive, argv and environment, files and paths, watching for
 * changes, and shutdown signals.
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
export type { RuntimeName } from "./adapter.ts";
export type { ChildProcessExit, ChildProcessHandle, SpawnOptions } from "./child_process.ts";
export type { HttpHandler, HttpServerHandle, ServeEngine, ServeLimits } from "./http.ts";
export {
  type NodeIncomingMessageLike,
  type NodeServerResponseLike,
  toNodeHandler,
} from "./node_http.ts";
export {
  args,
  environment,
  exitProcess,
  getEnv,
  runtimeName,
  serveHttp,
  type ServeHttpOptions,
  spawnProcess,
  stdio,
} from "./runtime.ts";
export type { ProcessStdio } from "./stdio.ts";
export {
  type CpuUsage,
  cpuUsage,
  executablePath,
  type MemoryUsage,
  memoryUsage,
  runtimeVersion,
} from "./process_info.ts";
export { clientAddressOf } from "./client_address.ts";
export {
  connectTcp,
  type ConnectTcpOptions,
  TcpConnectError,
  type TcpConnection,
  type TcpTlsOptions,
} from "./tcp.ts";
export { collectGarbage } from "./collect_garbage.ts";
export { httpFetch } from "./http_client.ts";
export { enableCompileCache } from "./compile_cache.ts";
export {
  commandForScript,
  type CommandLine,
  isEmbeddedScript,
  scriptCommand,
} from "./script_command.ts";
export { backgroundInterval, backgroundTimeout, type BackgroundTimer } from "./timers.ts";
export {
  createFileExclusive,
  currentDirectory,
  type FileInfo,
  fileInfo,
  FileNotFoundError,
  FileSystemError,
  homeDirectory,
  type ListFilesOptions,
  listFilesRecursive,
  makeDirectory,
  readBinaryFile,
  readTextFile,
  removeFile,
  writeBinaryFile,
  writeFileAtomic,
  type WriteFileOptions,
  writeTextFile,
} from "./files.ts";
export type { FileOperation } from "./file_system.ts";
export { fromFileUrl, toFileUrl } from "./file_url.ts";
export {
  baseName,
  isAbsolutePath,
  joinPath,
  parentDirectory,
  pathSeparator,
  resolvePath,
} from "./path.ts";
export {
  type FileChange,
  type FileChangeKind,
  watchPaths,
  type WatchPathsOptions,
} from "./watch.ts";
export { onShutdownSignal, type ShutdownSignal } from "./signals.ts";
export { browserCommand, type DesktopPlatform, openUrl } from "./open_url.ts";
export {
  createSocketRegistry,
  isWebSocketUpgrade,
  offeredProtocols,
  type SocketRegistry,
  upgradeWebSocket,
  type UpgradeWebSocketOptions,
  type WebSocketUpgrade,
} from "./websocket/upgrade.ts";
export {
  type ServerWebSocket,
  type ServerWebSocketLimits,
  ServerWebSocketPort,
  type SocketCarrier,
  type WebSocketCloseInfo,
  type WebSocketMessageData,
  type WebSocketReadyState,
} from "./websocket/server_socket.ts";
export {
  type BunFetch,
  type BunServerWebSocketLike,
  type BunSocketData,
  type BunUpgradeServerLike,
  type BunWebSocketHandlers,
  type BunWebSocketServe,
  bunWebSocketServe,
} from "./websocket/bun_upgrade.ts";
export {
  type NodeUpgradeListener,
  type NodeUpgradeRequestLike,
  nodeWebSocketUpgrade,
  type NodeWebSocketUpgradeOptions,
} from "./websocket/node_serve_upgrade.ts";
export {
  type WebSocketUpgradeListener,
  websocketUpgradeListener,
  type WebSocketUpgradeOptions,
} from "./websocket/node_upgrade.ts";
export { NodeWebSocket, type NodeWebSocketOptions } from "./websocket/node_websocket.ts";
export type { WebSocketDuplexLike } from "./websocket/duplex.ts";
export type {
  WebSocketHandshakeRefusal,
  WebSocketUpgradeRequestLike,
} from "./websocket/handshake.ts";
export { WebSocketCloseCode } from "./websocket/frame.ts";
