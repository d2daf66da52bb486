// The `add` tool every server under bench/perf exposes, and the emcee and official servers built
// around it for each transport mode. The raw servers (raw_http.ts, raw_stdio.ts) answer the same
// requests without an SDK.

import {
  createMcpHandler,
  fromJsonSchema,
  McpServer as OfficialServer,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";

/** How an HTTP bench server is driven: stateless 2026-07-28, or a 2025-11-25 session. */
export type HttpMode = "stateless" | "session-json" | "session-sse";

/** The `add` tool's input schema, as raw JSON Schema. */
export const ADD_SCHEMA: { [key: string]: unknown } = {
  type: "object",
  properties: { a: { type: "number" }, b: { type: "number" } },
  required: ["a", "b"],
  additionalProperties: false,
};

/** An emcee server with the `add` tool. */
export function emceeServer(): McpServer {
  const server = new McpServer({ name: "bench-emcee", version: "0.0.0" });
  server.tool({
    name: "add",
    description: "Adds two numbers.",
    input: ADD_SCHEMA,
    // One progress notification when the client sent a progress token (the SSE row): it is
    // what makes emcee answer with an event stream rather than JSON.
    handler: ({ a, b }: { a: number; b: number }, context) => {
      context.progress(1, 1);
      return String(a + b);
    },
  });
  return server;
}

/** An official-SDK server with the same tool, its schema through `fromJsonSchema` (Ajv). */
export function officialServer(): OfficialServer {
  const inputSchema = fromJsonSchema<{ a: number; b: number }>(
    ADD_SCHEMA as Parameters<typeof fromJsonSchema>[0],
  );
  const server = new OfficialServer({ name: "bench-official", version: "0.0.0" });
  server.registerTool(
    "add",
    { description: "Adds two numbers.", inputSchema },
    async ({ a, b }: { a: number; b: number }, ctx) => {
      // The same progress notification as emcee's tool, when the client asked for progress.
      const progressToken = ctx.mcpReq._meta?.progressToken;
      if (progressToken !== undefined) {
        await ctx.mcpReq.notify({
          method: "notifications/progress",
          params: { progressToken, progress: 1, total: 1 },
        });
      }
      return { content: [{ type: "text", text: String(a + b) }] };
    },
  );
  return server;
}

/** emcee's Streamable HTTP handler: modern-only when stateless, with legacy sessions otherwise. */
export function emceeHttp(mode: HttpMode): (request: Request) => Promise<Response> {
  const handler = createHttpHandler(emceeServer(), mode === "stateless" ? { legacy: false } : {});
  return (request) => Promise.resolve(handler(request));
}

/**
 * The official SDK: `createMcpHandler` (a server per request, its documented stateless model) for
 * 2026-07-28; one session transport (the bench opens exactly one session) for 2025-11-25.
 */
export async function officialHttp(
  mode: HttpMode,
): Promise<(request: Request) => Promise<Response>> {
  if (mode === "stateless") {
    const handler = createMcpHandler(() => officialServer(), { legacy: "reject" });
    return (request) => handler.fetch(request);
  }
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    enableJsonResponse: mode === "session-json",
  });
  await officialServer().connect(transport);
  return (request) => transport.handleRequest(request);
}
