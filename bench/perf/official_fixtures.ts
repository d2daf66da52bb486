// The official SDK's bench servers: the `add` tool of fixtures.ts, over stdio or HTTP.
import {
  createMcpHandler,
  fromJsonSchema,
  McpServer as OfficialServer,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { ADD_SCHEMA, type HttpMode } from "./fixtures.ts";

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
