/**
 * The authorization server as one web-standard handler: metadata, the
 * authorization, consent, token, registration, revocation, introspection and
 * JWKS endpoints under its issuer, mountable beside an MCP handler (`route`
 * answers only its own paths) or on its own (`handler`).
 *
 * @module
 */
import type { TokenVerifier } from "../bearer.ts";
import type { JsonWebKeySet } from "../jwt.ts";
import type { PartialHttpHandler } from "../metadata.ts";
import { canonicalResourceUri } from "../resource.ts";
import { ownTokenVerifier } from "./access_token.ts";
import { handleAuthorize, handleConsent } from "./authorize.ts";
import { CORS, jsonResponse, methodNotAllowed, preflight } from "./http.ts";
import { handleIntrospect } from "./introspect.ts";
import { publicKeySet } from "./keys.ts";
import {
  type AuthorizationServerMetadata,
  authorizationServerMetadata,
  metadataPaths,
} from "./metadata.ts";
import {
  type AuthorizationServerContext,
  type AuthorizationServerOptions,
  canonicalIssuer,
  resolveOptions,
} from "./options.ts";
import { handleRegister } from "./register.ts";
import { handleRevoke } from "./revoke.ts";
import { handleToken } from "./token.ts";

/** A running authorization server. */
export interface AuthorizationServer {
  /** The issuer identifier, in canonical form. */
  readonly issuer: string;
  /** Answers the server's own paths; `undefined` for any other, to fall through to another handler. */
  readonly route: PartialHttpHandler;
  /** Answers every request: 404 outside the server's paths. */
  readonly handler: (request: Request) => Promise<Response>;
  /** Settles once the key is ready and configured clients are stored; rejects on bad options. */
  readonly ready: Promise<void>;
  /** The RFC 8414 metadata document. */
  metadata(): Promise<AuthorizationServerMetadata>;
  /** The public keys that verify its access tokens. */
  jwks(): Promise<JsonWebKeySet>;
  /**
   * A verifier of its access tokens for a resource server in the same
   * process (checks revocation too); with `audience`, only tokens for it.
   */
  tokenVerifier(audience?: string | URL): TokenVerifier;
}

type Endpoint = (context: AuthorizationServerContext, request: Request) => Promise<Response>;

interface RouteEntry {
  methods: readonly string[];
  run: Endpoint;
  /** Called cross-origin by browser clients without credentials. */
  cors: boolean;
}

function jwksEndpoint(context: AuthorizationServerContext): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify(publicKeySet([context.key])), {
      headers: { ...CORS, "content-type": "application/json", "cache-control": "max-age=300" },
    }),
  );
}

function metadataEndpoint(context: AuthorizationServerContext): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify(authorizationServerMetadata(context)), {
      headers: { ...CORS, "content-type": "application/json", "cache-control": "max-age=300" },
    }),
  );
}

function routeTable(issuer: string, registration: boolean): Map<string, RouteEntry> {
  const base = new URL(issuer).pathname.replace(/\/$/, "");
  const routes = new Map<string, RouteEntry>([
    [`${base}/authorize`, { methods: ["GET", "POST"], run: handleAuthorize, cors: false }],
    [`${base}/authorize/consent`, { methods: ["POST"], run: handleConsent, cors: false }],
    [`${base}/token`, { methods: ["POST"], run: handleToken, cors: true }],
    [`${base}/revoke`, { methods: ["POST"], run: handleRevoke, cors: true }],
    [`${base}/introspect`, { methods: ["POST"], run: handleIntrospect, cors: true }],
    [`${base}/jwks`, { methods: ["GET", "HEAD"], run: jwksEndpoint, cors: true }],
  ]);
  if (registration) {
    routes.set(`${base}/register`, { methods: ["POST"], run: handleRegister, cors: true });
  }
  for (const path of metadataPaths(issuer)) {
    routes.set(path, { methods: ["GET", "HEAD"], run: metadataEndpoint, cors: true });
  }
  return routes;
}

async function answer(entry: RouteEntry, context: AuthorizationServerContext, request: Request) {
  if (request.method === "OPTIONS" && entry.cors) return preflight();
  if (!entry.methods.includes(request.method)) {
    return methodNotAllowed([...entry.methods, ...(entry.cors ? ["OPTIONS"] : [])].join(", "));
  }
  const response = await entry.run(context, request);
  return request.method === "HEAD"
    ? new Response(null, { status: response.status, headers: response.headers })
    : response;
}

/**
 * An OAuth 2.1 authorization server (authorization code with PKCE, refresh
 * token rotation, client credentials; dynamic registration and client
 * metadata documents; revocation and introspection) issuing ES256 JWT
 * access tokens for the resources it is told about. Everything is kept in
 * `options.store`, in memory by default.
 *
 * @example
 * ```ts
 * import { authorizationServer } from "./handler.ts";
 * import { autoApprove } from "./consent.ts";
 *
 * const as = authorizationServer({
 *   issuer: "http://127.0.0.1:3000",
 *   resources: ["http://127.0.0.1:3000/mcp"],
 *   consent: autoApprove(),
 * });
 * const response = await as.handler(
 *   new Request("http://127.0.0.1:3000/.well-known/oauth-authorization-server"),
 * );
 * // (await response.json()).token_endpoint → "http://127.0.0.1:3000/token"
 * ```
 */
export function authorizationServer(options: AuthorizationServerOptions): AuthorizationServer {
  const issuer = canonicalIssuer(options.issuer);
  const routes = routeTable(issuer, options.dynamicRegistration ?? true);
  const context = resolveOptions(options);
  const ready = context.then(() => {});
  // A failure surfaces on use (each request, `ready`); it must not also be an unhandled rejection.
  ready.catch(() => {});

  const route = async (request: Request): Promise<Response | undefined> => {
    const path = new URL(request.url).pathname;
    const entry = routes.get(path.length > 1 ? path.replace(/\/$/, "") : path);
    if (entry === undefined) return undefined;
    return answer(entry, await context, request);
  };

  return {
    issuer,
    route,
    handler: async (request: Request): Promise<Response> =>
      (await route(request)) ??
        jsonResponse({ error: "not_found", error_description: "No such endpoint" }, 404),
    ready,
    metadata: async () => authorizationServerMetadata(await context),
    jwks: async () => publicKeySet([(await context).key]),
    tokenVerifier(audience?: string | URL): TokenVerifier {
      const canonical = audience === undefined ? undefined : canonicalResourceUri(audience);
      const verifier = context.then((resolved) => ownTokenVerifier(resolved, canonical));
      verifier.catch(() => {});
      return async (token, request) => (await verifier)(token, request);
    },
  };
}
