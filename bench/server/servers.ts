// The two servers under test, built the way each SDK documents for stateless 2026-07-28 serving,
// both exposing the same `echo` tool and both served by emcee's `serveHttp` adapter so the HTTP
// layer is identical and only the MCP handling differs.

import {
  createMcpHandler,
  fromJsonSchema,
  McpServer as OfficialServer,
} from "@modelcontextprotocol/server";
import * as z from "zod";
import { McpServer } from "../../server/server.ts";
import { type HttpHandler, type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";

/** Which server a bench child serves; `floor` is the HTTP layer alone, without MCP. */
export type ServerKind = "emcee" | "official" | "floor";

/** The echo tool's input schema, as raw JSON Schema (emcee, and the official `json` variant). */
export const ECHO_SCHEMA: { [key: string]: unknown } = {
  type: "object",
  properties: { text: { type: "string" } },
  required: ["text"],
  additionalProperties: false,
};

/** emcee, modern-only: one long-lived `McpServer` and its Streamable HTTP handler. */
export function emceeHandler(): HttpHandler {
  const server = new McpServer({ name: "bench-emcee", version: "0.0.0" });
  server.tool({
    name: "echo",
    description: "Returns its text.",
    input: ECHO_SCHEMA,
    handler: ({ text }: { text: string }) => text,
  });
  return createHttpHandler(server, { legacy: false });
}

/**
 * The official SDK's 2026-07-28 entry: `createMcpHandler` with a per-request server factory (its
 * documented model) and `legacy: "reject"`. The input schema is built once, outside the factory,
 * as zod (the SDK's idiom) or as the same raw JSON Schema through `fromJsonSchema` (Ajv).
 */
export function officialHandler(schema: "zod" | "json"): (request: Request) => Promise<Response> {
  const inputSchema = schema === "zod"
    ? z.object({ text: z.string() }).strict()
    : fromJsonSchema<{ text: string }>(ECHO_SCHEMA as Parameters<typeof fromJsonSchema>[0]);
  const handler = createMcpHandler(() => {
    const server = new OfficialServer({ name: "bench-official", version: "0.0.0" });
    server.registerTool(
      "echo",
      { description: "Returns its text.", inputSchema },
      ({ text }: { text: string }) => ({ content: [{ type: "text", text }] }),
    );
    return server;
  }, { legacy: "reject" });
  return (request) => handler.fetch(request);
}

/**
 * The floor: the same HTTP layer reading the body and answering a fixed JSON-RPC result of the
 * same shape, so the MCP cost of the others is what they spend above it.
 */
export function floorHandler(): (request: Request) => Promise<Response> {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    result: { content: [{ type: "text", text: "hello, benchmark" }], resultType: "complete" },
  });
  return async (request) => {
    await request.text();
    return new Response(body, { headers: { "content-type": "application/json" } });
  };
}

/** Serves `kind` on 127.0.0.1, port 0. */
export function serveKind(
  kind: ServerKind,
  officialSchema: "zod" | "json",
): Promise<HttpServerHandle> {
  const handler = kind === "emcee"
    ? emceeHandler()
    : kind === "official"
    ? officialHandler(officialSchema)
    : floorHandler();
  return serveHttp(handler, { hostname: "127.0.0.1", port: 0 });
}
