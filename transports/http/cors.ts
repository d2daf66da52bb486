/**
 * CORS for MCP endpoints, so browser clients (web inspectors, in-page agents)
 * can call a server on another origin and read its MCP and auth headers.
 *
 * @module
 */
import type { HttpHandler } from "../../runtime/mod.ts";
import { originAllowed, type OriginPolicy } from "./origin_guard.ts";

/** Options of {@link withCors}. */
export interface CorsOptions extends OriginPolicy {
  /** How long a browser may cache a preflight answer, in seconds. Default 600. */
  maxAgeSeconds?: number;
}

const ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
const ALLOWED_HEADERS = [
  "accept",
  "authorization",
  "content-type",
  "dpop",
  "last-event-id",
  "mcp-method",
  "mcp-name",
  "mcp-protocol-version",
  "mcp-session-id",
];
// Headers a browser script may read from responses: sessions, versions, auth challenges.
const EXPOSED_HEADERS = "mcp-session-id, mcp-protocol-version, www-authenticate, dpop-nonce";

function requestedHeadersAllowed(requested: string | null): string | undefined {
  if (!requested) return ALLOWED_HEADERS.join(", ");
  const names = requested.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  // Mcp-Param-* names come from tool schemas, so they are matched by prefix.
  const ok = names.every((name) => ALLOWED_HEADERS.includes(name) || name.startsWith("mcp-param-"));
  return ok ? names.join(", ") : undefined;
}

/**
 * Wraps a handler with CORS. Origins are allowed by the same policy as the
 * DNS-rebinding guard (loopback by default, plus `allowedOrigins`); others get
 * no CORS headers, so browsers refuse to hand them the response. Preflight
 * requests (`OPTIONS`) are answered here.
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { createHttpHandler } from "./server.ts";
 * import { withCors } from "./cors.ts";
 * const server = new McpServer({ name: "web", version: "1.0.0" });
 * const policy = { allowedOrigins: ["https://app.example.com"], localhostOnly: false };
 * const handler = withCors(createHttpHandler(server, policy), policy);
 * ```
 */
export function withCors(handler: HttpHandler, options: CorsOptions = {}): HttpHandler {
  const maxAge = String(options.maxAgeSeconds ?? 600);
  return async (request) => {
    const origin = request.headers.get("origin");
    const allowed = origin !== null && originAllowed(origin, options);
    if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
      const headers = requestedHeadersAllowed(
        request.headers.get("access-control-request-headers"),
      );
      if (!allowed || headers === undefined) return new Response(null, { status: 403 });
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": origin!,
          "access-control-allow-methods": ALLOWED_METHODS,
          "access-control-allow-headers": headers,
          "access-control-max-age": maxAge,
          vary: "Origin",
        },
      });
    }
    const response = await handler(request);
    if (!allowed) return response;
    const headers = new Headers(response.headers);
    headers.set("access-control-allow-origin", origin!);
    headers.set("access-control-expose-headers", EXPOSED_HEADERS);
    headers.append("vary", "Origin");
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

/**
 * Applies the `cors` option every HTTP transport takes: `handler` unchanged
 * when it is off; else {@link withCors} under the transport's origin policy,
 * overridden by the option's own fields.
 */
export function withCorsOption(
  handler: HttpHandler,
  options: OriginPolicy & { cors?: boolean | CorsOptions },
): HttpHandler {
  if (!options.cors) return handler;
  return withCors(handler, options.cors === true ? options : { ...options, ...options.cors });
}
