/**
 * An MCP server protected by emcee's built-in OAuth 2.1 authorization
 * server, both on http://127.0.0.1:$PORT (default 8788): the MCP endpoint at
 * `/mcp`, the authorization server's endpoints beside it, its issuer being
 * the origin (printed on start).
 *
 * ```sh
 * deno run -A examples/auth/server.ts
 * bun run examples/auth/server.ts
 * node examples/auth/server.ts
 * ```
 *
 * Environment:
 * - `PORT`: the port (0 picks a free one).
 * - `AUTO_APPROVE=1`: consent is automatic (tests and conformance runs only);
 *   otherwise a browser page asks to approve or deny.
 * - `CLIENTS_JSON`: a JSON array of `{ "client_id", "client_secret"?,
 *   "redirect_uris" }` registered up front (others may register dynamically
 *   or use a client ID metadata document).
 * - `PUBLIC_CLIENTS=0`: offer only secret-based client authentication.
 *
 * @module
 */
import { autoApprove, consentPage } from "../../auth/authorization_server/consent.ts";
import type { ConfiguredClient } from "../../auth/authorization_server/clients.ts";
import type { TokenEndpointAuthMethod } from "../../auth/authorization_server/store.ts";
import { withAuthorizationServer } from "../../auth/authorization_server/with_authorization_server.ts";
import { exitProcess, getEnv, serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import type { HttpHandler } from "../../transports/http/server.ts";

/** The protected server: who am I, and a sum. */
function createServer(): McpServer {
  const server = new McpServer({ name: "emcee-auth-example", version: "0.1.0" });
  server.tool({
    name: "whoami",
    description: "Tells who the access token belongs to.",
    annotations: { readOnlyHint: true },
    handler: (_args: Record<string, never>, context) =>
      JSON.stringify({
        subject: context.auth?.subject,
        client: context.auth?.clientId,
        scopes: context.auth?.scopes,
      }),
  });
  server.tool({
    name: "add",
    description: "Adds two numbers.",
    input: {
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    },
    annotations: { readOnlyHint: true },
    handler: ({ a, b }: { a: number; b: number }) => String(a + b),
  });
  return server;
}

function configuredClients(): ConfiguredClient[] {
  const text = getEnv("CLIENTS_JSON");
  if (text === undefined || text.trim() === "") return [];
  let clients: unknown;
  try {
    clients = JSON.parse(text);
  } catch (error) {
    throw new TypeError("CLIENTS_JSON is not valid JSON", { cause: error });
  }
  if (!Array.isArray(clients)) throw new TypeError("CLIENTS_JSON is a JSON array of clients");
  return clients as ConfiguredClient[];
}

const authMethods: TokenEndpointAuthMethod[] = getEnv("PUBLIC_CLIENTS") === "0"
  ? ["client_secret_basic", "client_secret_post"]
  : ["client_secret_basic", "client_secret_post", "none"];

let clients: ConfiguredClient[];
try {
  clients = configuredClients();
} catch (error) {
  console.error(String(error));
  exitProcess(2);
  throw error;
}

// The resource URI names the port, known once listening.
const route: { handler?: HttpHandler } = {};
const http = await serveHttp(
  (request) => route.handler?.(request) ?? new Response("starting", { status: 503 }),
  { port: Number(getEnv("PORT") ?? 8788), hostname: "127.0.0.1" },
);
const resource = `${http.url}/mcp`;
route.handler = withAuthorizationServer(createServer(), {
  resource,
  requiredScopes: ["mcp"],
  resourceName: "emcee auth example",
  consent: getEnv("AUTO_APPROVE") === "1" ? autoApprove() : consentPage(),
  clients,
  tokenEndpointAuthMethods: authMethods,
});
console.log(`MCP server ${resource}`);
console.log(`issuer ${http.url}`);
