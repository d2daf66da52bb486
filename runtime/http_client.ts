/**
 * The HTTP client emcee's client transports use by default: the global `fetch` on Deno and Bun,
 * and on Node a keep-alive client on `node:http` (`node_http_client.ts`), because Node's `fetch`
 * costs several hundred microseconds a call more than the bytes it moves.
 *
 * @module
 */
import { currentAdapter } from "./adapter.ts";

/**
 * Sends an HTTP request as `fetch` would, on the runtime's fastest client: keep-alive
 * `node:http` on Node for plain `http:` requests with a string or byte body (anything else
 * goes to the global `fetch`), the global `fetch` elsewhere. The answer is a web `Response`
 * whose body streams (so SSE works); `signal` aborts the request or the body being read.
 *
 * @example
 * ```ts
 * import { httpFetch } from "./http_client.ts";
 * const response = await httpFetch(new URL("http://127.0.0.1:3000/mcp"), {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
 * });
 * console.log(response.status, await response.text());
 * ```
 */
export function httpFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return currentAdapter.fetch(input, init);
}
