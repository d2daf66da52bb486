// emcee's bench servers: the `add` tool of fixtures.ts, over stdio or Streamable HTTP.
import { McpServer } from "../../server/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { ADD_SCHEMA, type HttpMode } from "./fixtures.ts";

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

/** emcee's Streamable HTTP handler: modern-only when stateless, with legacy sessions otherwise. */
export function emceeHttp(mode: HttpMode): (request: Request) => Promise<Response> {
  const handler = createHttpHandler(emceeServer(), mode === "stateless" ? { legacy: false } : {});
  return (request) => Promise.resolve(handler(request));
}
