// The raw HTTP limit: the runtime's own HTTP stack (Deno.serve, Bun.serve, node:http) parsing the
// JSON body, adding two numbers and writing a JSON-RPC result of the same shape as emcee's. No
// SDK, no validation, no headers checked: the ceiling an MCP server on this runtime can approach.
// A benchmark fixture, so it uses the runtime APIs directly.

import type { HttpMode } from "./fixtures.ts";

/** A listening raw server. */
export interface RawServer {
  port: number;
  close(): Promise<void>;
}

interface AddCall {
  id: number | string;
  params: { arguments: { a: number; b: number } };
}

const MODERN_TAIL =
  `,"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"bench-raw","version":"0.0.0"}}`;

/**
 * The answer to one `add` call, shaped as emcee's: as JSON (with the 2026-07-28 result fields
 * when `modern`), or, for the SSE row, as a progress event then the result event.
 */
export function rawAnswer(text: string, modern: boolean, sse: boolean): string {
  const call = JSON.parse(text) as AddCall;
  const { a, b } = call.params.arguments;
  const id = JSON.stringify(call.id);
  const json = `{"jsonrpc":"2.0","id":${id},"result":{"content":[{"type":"text","text":"${
    a + b
  }"}]${modern ? MODERN_TAIL : ""}}}`;
  if (!sse) return json;
  const progress =
    `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1,"total":1}}`;
  return `event: message\ndata: ${progress}\n\nevent: message\ndata: ${json}\n\n`;
}

/** Serves the raw endpoint on 127.0.0.1, port 0, with the current runtime's HTTP server. */
export async function serveRaw(mode: HttpMode): Promise<RawServer> {
  const sse = mode === "session-sse";
  const modern = mode === "stateless";
  const type = sse ? "text/event-stream" : "application/json";
  const g = globalThis as unknown as {
    Deno?: {
      serve(
        options: { hostname: string; port: number; onListen?: () => void },
        handler: (request: Request) => Promise<Response>,
      ): { addr: { port: number }; shutdown(): Promise<void> };
    };
    Bun?: {
      serve(options: {
        hostname: string;
        port: number;
        fetch: (request: Request) => Promise<Response>;
      }): { port: number; stop(): void };
    };
  };
  const handle = async (request: Request) =>
    new Response(rawAnswer(await request.text(), modern, sse), {
      headers: { "content-type": type },
    });
  if (g.Deno) {
    const server = g.Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
    return { port: server.addr.port, close: () => server.shutdown() };
  }
  if (g.Bun) {
    const server = g.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handle });
    return { port: server.port, close: () => Promise.resolve(server.stop()) };
  }
  const { createServer } = await import("node:http");
  const server = createServer((request, response) => {
    const chunks: Uint8Array[] = [];
    request.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    request.on("end", () => {
      const body = rawAnswer(Buffer.concat(chunks).toString("utf8"), modern, sse);
      response.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
