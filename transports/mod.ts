/**
 * Transports: Streamable HTTP as a web-standard handler, stdio, in-memory, the
 * newline-delimited stream framing (the runtime adapter that serves, spawns
 * and reads stdio is `@emcee/mcp/runtime`).
 *
 * @example
 * ```ts
 * import { McpServer } from "@emcee/mcp/server";
 * import { createHttpHandler } from "@emcee/mcp/transports";
 * import { serveHttp } from "@emcee/mcp/runtime";
 * const handler = createHttpHandler(new McpServer({ name: "demo", version: "1.0.0" }));
 * const http = await serveHttp(handler, { port: 3000 });
 * ```
 *
 * @module
 */
export * from "./http/server.ts";
export * from "./stdio/server.ts";
export * from "./memory.ts";
export * from "./connect.ts";
export * from "./session.ts";
export * from "./stream.ts";
export * from "./http/event_store.ts";
export * from "./http/origin_guard.ts";
export * from "./legacy_sse/server.ts";
export type { Authenticate } from "./http/io.ts";
export * from "./http/cors.ts";
