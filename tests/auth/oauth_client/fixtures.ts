/**
 * An in-test OAuth authorization server and MCP protected resource, as fetch
 * handlers served with `serveHttp` on 127.0.0.1. Both record what they saw,
 * and verify what a real server would (PKCE, client authentication, DPoP
 * proofs with jose), so the tests judge the client by its requests.
 */
import * as jose from "jose";
import { serveHttp } from "../../../runtime/mod.ts";
import type { HttpServerHandle } from "../../../runtime/mod.ts";
import { OAuthTokenProvider } from "../../../auth/oauth_client/provider.ts";
import type { OAuthClientOptions } from "../../../auth/oauth_client/provider.ts";
import { redirectFollowingInteraction } from "../../../auth/oauth_client/interaction.ts";
import { authorizedFetch } from "../../../protocol/token_provider.ts";

export const REDIRECT_URI = "http://127.0.0.1:9/callback";

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return jose.base64url.encode(new Uint8Array(digest));
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

function oauthError(error: string, status = 400, headers: Record<string, string> = {}): Response {
  return json({ error, error_description: `test server: ${error}` }, status, headers);
}

/** What the authorization server knows about a client. */
export interface TestClient {
  secret?: string;
  method?: string;
  publicKey?: CryptoKey;
  redirectUris?: string[];
}

/** A token the authorization server issued. */
export interface IssuedToken {
  scopes: string[];
  resource: string | null;
  clientId: string;
  jkt?: string;
  expiresAt: number;
  revoked?: boolean;
}

export interface AuthServerConfig {
  /** Path of the issuer, e.g. "/tenant1". */
  prefix?: string;
  /** Where the metadata is served. Default "oauth". */
  metadataAt?: "oauth" | "oidc-insert" | "oidc-append" | "none";
  metadataIssuer?: string;
  pkceMethods?: string[] | null;
  issSupported?: boolean | null;
  issInRedirect?: "correct" | "wrong" | "omit" | "normalized";
  authMethods?: string[];
  registration?: boolean;
  /** The method the registration response names. */
  registeredMethod?: string;
  cimd?: boolean;
  scopesSupported?: string[];
  dpopAlgs?: string[];
  /** Demand this DPoP nonce at the token endpoint. */
  dpopNonce?: string;
  refreshTokens?: boolean;
  expiresIn?: number;
  signingAlgs?: string[];
  grantTypes?: string[];
  /** Which scopes to grant of those asked. */
  grant?: (requested: string[]) => string[];
  /** Accept the JWT bearer grant with assertions this key verifies (audience: the issuer). */
  assertionKey?: CryptoKey;
}

export interface TestAuthServer {
  issuer: string;
  url: string;
  log: string[];
  authorizations: URLSearchParams[];
  tokenRequests: { params: URLSearchParams; headers: Headers; method: string }[];
  registrations: { [member: string]: unknown }[];
  clients: Map<string, TestClient>;
  tokens: Map<string, IssuedToken>;
  refreshTokens: Map<string, IssuedToken & { scopeOriginal: string[] }>;
  config: AuthServerConfig;
  close(): Promise<void>;
}

interface CodeRecord {
  clientId: string;
  challenge: string | null;
  method: string | null;
  redirectUri: string | null;
  scopes: string[];
  resource: string | null;
}

async function verifyDpopProof(
  proof: string,
  method: string,
  url: string,
  jtis: Set<string>,
): Promise<{ jkt: string; nonce: unknown } | string> {
  let header: jose.ProtectedHeaderParameters;
  try {
    header = jose.decodeProtectedHeader(proof);
  } catch {
    return "malformed proof";
  }
  if (header.typ !== "dpop+jwt" || header.alg !== "ES256" || !header.jwk) return "bad header";
  if ((header.jwk as { d?: string }).d !== undefined) return "private key in proof";
  const key = await jose.importJWK(header.jwk, "ES256");
  let payload: jose.JWTPayload;
  try {
    payload = (await jose.jwtVerify(proof, key, { typ: "dpop+jwt" })).payload;
  } catch {
    return "bad signature";
  }
  if (payload.htm !== method) return "htm mismatch";
  if (payload.htu !== url) return `htu mismatch: ${payload.htu} vs ${url}`;
  if (typeof payload.iat !== "number" || Math.abs(Date.now() / 1000 - payload.iat) > 60) {
    return "iat";
  }
  if (typeof payload.jti !== "string" || jtis.has(payload.jti)) return "jti reused";
  jtis.add(payload.jti);
  return { jkt: await jose.calculateJwkThumbprint(header.jwk), nonce: payload.nonce };
}

export async function startAuthServer(config: AuthServerConfig = {}): Promise<TestAuthServer> {
  const prefix = config.prefix ?? "";
  const state = {
    log: [] as string[],
    authorizations: [] as URLSearchParams[],
    tokenRequests: [] as TestAuthServer["tokenRequests"],
    registrations: [] as { [member: string]: unknown }[],
    clients: new Map<string, TestClient>(),
    tokens: new Map<string, IssuedToken>(),
    refreshTokens: new Map<string, IssuedToken & { scopeOriginal: string[] }>(),
  };
  const codes = new Map<string, CodeRecord>();
  const jtis = new Set<string>();
  let base = "";
  const issuer = () => `${base}${prefix}`;
  const metadataPath = {
    oauth: `/.well-known/oauth-authorization-server${prefix}`,
    "oidc-insert": `/.well-known/openid-configuration${prefix}`,
    "oidc-append": `${prefix}/.well-known/openid-configuration`,
    none: "/nowhere",
  }[config.metadataAt ?? "oauth"];

  const metadata = () => {
    const document: { [member: string]: unknown } = {
      issuer: config.metadataIssuer ?? issuer(),
      authorization_endpoint: `${issuer()}/authorize`,
      token_endpoint: `${issuer()}/token`,
      response_types_supported: ["code"],
      grant_types_supported: config.grantTypes ?? ["authorization_code", "refresh_token"],
      token_endpoint_auth_methods_supported: config.authMethods ?? ["none"],
    };
    if (config.registration !== false) document.registration_endpoint = `${issuer()}/register`;
    if (config.pkceMethods !== null) {
      document.code_challenge_methods_supported = config.pkceMethods ?? ["S256"];
    }
    if (config.issSupported !== null) {
      document.authorization_response_iss_parameter_supported = config.issSupported ?? true;
    }
    if (config.cimd) document.client_id_metadata_document_supported = true;
    if (config.scopesSupported) document.scopes_supported = config.scopesSupported;
    if (config.dpopAlgs) document.dpop_signing_alg_values_supported = config.dpopAlgs;
    if (config.signingAlgs) {
      document.token_endpoint_auth_signing_alg_values_supported = config.signingAlgs;
    }
    return document;
  };

  const authenticateClient = async (
    request: Request,
    params: URLSearchParams,
  ): Promise<{ clientId: string } | Response> => {
    const header = request.headers.get("authorization");
    let clientId: string | null;
    let used: string;
    let secret: string | null = null;
    if (header?.startsWith("Basic ")) {
      const decoded = atob(header.slice(6));
      const colon = decoded.indexOf(":");
      clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
      used = "client_secret_basic";
    } else if (params.has("client_assertion")) {
      used = "private_key_jwt";
      clientId = params.get("client_id");
      if (
        params.get("client_assertion_type") !==
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
      ) {
        return oauthError("invalid_client", 401);
      }
      const client = clientId === null ? undefined : state.clients.get(clientId);
      if (!client?.publicKey) return oauthError("invalid_client", 401);
      try {
        const { payload } = await jose.jwtVerify(
          params.get("client_assertion")!,
          client.publicKey,
          {
            audience: issuer(),
            issuer: clientId!,
            subject: clientId!,
          },
        );
        if (typeof payload.jti !== "string" || typeof payload.exp !== "number") {
          return oauthError("invalid_client", 401);
        }
      } catch {
        return oauthError("invalid_client", 401);
      }
    } else if (params.has("client_secret")) {
      used = "client_secret_post";
      clientId = params.get("client_id");
      secret = params.get("client_secret");
    } else {
      used = "none";
      clientId = params.get("client_id");
    }
    if (clientId === null) return oauthError("invalid_client", 401);
    const client = state.clients.get(clientId) ??
      (config.cimd && clientId.startsWith("https://") ? { method: "none" } : undefined);
    if (!client) return oauthError("invalid_client", 401);
    if ((client.method ?? "none") !== used) return oauthError("invalid_client", 401);
    if (client.secret !== undefined && client.secret !== secret) {
      return oauthError("invalid_client", 401);
    }
    return { clientId };
  };

  const issue = (
    clientId: string,
    scopes: string[],
    resource: string | null,
    boundJkt: string | undefined,
  ): Response => {
    const token = `at-${crypto.randomUUID()}`;
    const expiresIn = config.expiresIn ?? 3600;
    const record: IssuedToken = {
      scopes,
      resource,
      clientId,
      jkt: boundJkt,
      expiresAt: Date.now() + expiresIn * 1000,
    };
    state.tokens.set(token, record);
    const body: { [member: string]: unknown } = {
      access_token: token,
      token_type: boundJkt ? "DPoP" : "Bearer",
      expires_in: expiresIn,
    };
    if (scopes.length > 0) body.scope = scopes.join(" ");
    if (config.refreshTokens !== false) {
      const refresh = `rt-${crypto.randomUUID()}`;
      state.refreshTokens.set(refresh, { ...record, scopeOriginal: scopes });
      body.refresh_token = refresh;
    }
    return json(body);
  };

  const token = async (request: Request): Promise<Response> => {
    const params = new URLSearchParams(await request.text());
    state.tokenRequests.push({ params, headers: request.headers, method: request.method });
    let jkt: string | undefined;
    const proof = request.headers.get("dpop");
    if (proof && config.dpopAlgs) {
      const verified = await verifyDpopProof(proof, "POST", `${issuer()}/token`, jtis);
      if (typeof verified === "string") return oauthError("invalid_dpop_proof");
      if (config.dpopNonce !== undefined && verified.nonce !== config.dpopNonce) {
        return oauthError("use_dpop_nonce", 400, { "dpop-nonce": config.dpopNonce });
      }
      jkt = verified.jkt;
    }
    const client = await authenticateClient(request, params);
    if (client instanceof Response) return client;
    const grant = params.get("grant_type");
    const asked = (params.get("scope") ?? "").split(" ").filter((scope) => scope !== "");
    const granting = config.grant ?? ((requested: string[]) => requested);
    if (grant === "authorization_code") {
      const record = codes.get(params.get("code") ?? "");
      if (!record || record.clientId !== client.clientId) return oauthError("invalid_grant");
      codes.delete(params.get("code")!);
      const verifier = params.get("code_verifier");
      if (!verifier || record.method !== "S256" || (await s256(verifier)) !== record.challenge) {
        return oauthError("invalid_grant");
      }
      if (params.get("redirect_uri") !== record.redirectUri) return oauthError("invalid_grant");
      return issue(client.clientId, granting(record.scopes), params.get("resource"), jkt);
    }
    if (grant === "refresh_token") {
      const refresh = params.get("refresh_token") ?? "";
      const record = state.refreshTokens.get(refresh);
      if (!record || record.revoked || record.clientId !== client.clientId) {
        return oauthError("invalid_grant");
      }
      if (record.jkt !== undefined && record.jkt !== jkt) return oauthError("invalid_grant");
      if (!asked.every((scope) => record.scopeOriginal.includes(scope))) {
        return oauthError("invalid_scope");
      }
      state.refreshTokens.delete(refresh); // rotation
      const scopes = asked.length > 0 ? asked : record.scopeOriginal;
      return issue(client.clientId, scopes, params.get("resource"), jkt);
    }
    if (grant === "client_credentials") {
      return issue(client.clientId, granting(asked), params.get("resource"), jkt);
    }
    if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer" && config.assertionKey) {
      try {
        await jose.jwtVerify(params.get("assertion") ?? "", config.assertionKey, {
          audience: issuer(),
        });
      } catch {
        return oauthError("invalid_grant");
      }
      return issue(client.clientId, granting(asked), params.get("resource"), jkt);
    }
    return oauthError("unsupported_grant_type");
  };

  const authorize = (url: URL): Response => {
    const params = url.searchParams;
    state.authorizations.push(new URLSearchParams(params));
    const clientId = params.get("client_id") ?? "";
    const known = state.clients.has(clientId) || (config.cimd && clientId.startsWith("https://"));
    const redirectUri = params.get("redirect_uri");
    if (!known || !redirectUri) return new Response("unknown client", { status: 400 });
    const code = `code-${crypto.randomUUID()}`;
    codes.set(code, {
      clientId,
      challenge: params.get("code_challenge"),
      method: params.get("code_challenge_method"),
      redirectUri,
      scopes: (params.get("scope") ?? "").split(" ").filter((scope) => scope !== ""),
      resource: params.get("resource"),
    });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    const stateParam = params.get("state");
    if (stateParam !== null) back.searchParams.set("state", stateParam);
    const iss = config.issInRedirect ?? "correct";
    const recorded = String(metadata().issuer);
    if (iss === "correct") back.searchParams.set("iss", recorded);
    if (iss === "wrong") back.searchParams.set("iss", "https://evil.example.com");
    if (iss === "normalized") back.searchParams.set("iss", `${recorded}/`);
    return new Response(null, { status: 302, headers: { location: back.href } });
  };

  const register = async (request: Request): Promise<Response> => {
    const body = await request.json();
    state.registrations.push(body);
    const clientId = `dcr-${state.registrations.length}-${crypto.randomUUID().slice(0, 8)}`;
    const method = config.registeredMethod ?? body.token_endpoint_auth_method ?? "none";
    const client: TestClient = { method, redirectUris: body.redirect_uris };
    if (method !== "none") client.secret = `secret-${clientId}`;
    state.clients.set(clientId, client);
    return json({
      ...body,
      client_id: clientId,
      ...(client.secret ? { client_secret: client.secret, client_secret_expires_at: 0 } : {}),
      token_endpoint_auth_method: method,
    }, 201);
  };

  const server: HttpServerHandle = await serveHttp((request) => {
    const url = new URL(request.url);
    state.log.push(`${request.method} ${url.pathname}`);
    if (request.method === "GET" && url.pathname === metadataPath) return json(metadata());
    if (request.method === "GET" && url.pathname === `${prefix}/authorize`) return authorize(url);
    if (request.method === "POST" && url.pathname === `${prefix}/token`) return token(request);
    if (
      request.method === "POST" && url.pathname === `${prefix}/register` &&
      config.registration !== false
    ) {
      return register(request);
    }
    return new Response("not found", { status: 404 });
  });
  base = server.url;
  return {
    ...state,
    get issuer() {
      return issuer();
    },
    url: server.url,
    config,
    close: () => server.close(),
  };
}

export interface ResourceServerConfig {
  /** Where the resource metadata is. Default "path". */
  prm?: "path" | "root" | "custom" | "none";
  /** Put `resource_metadata` in the challenge. Default true. */
  prmInChallenge?: boolean;
  challengeScope?: string;
  scopesSupported?: string[];
  prmResource?: string;
  authorizationServers: () => string[];
  /** Scopes needed per JSON-RPC method. */
  requiredScopes?: (method: string) => string[];
  /** Challenge scheme. Default "Bearer". */
  scheme?: "Bearer" | "DPoP";
  /** Demand this DPoP nonce. */
  dpopNonce?: string;
  /** The token lookup (the authorization servers' issued tokens). */
  lookup: (token: string) => IssuedToken | undefined;
}

export interface TestResourceServer {
  url: string;
  mcpUrl: string;
  log: { method: string; path: string; authorization: string | null; dpop: string | null }[];
  /** Paths asked for other than /mcp (metadata probes). */
  probes: string[];
  proofErrors: string[];
  close(): Promise<void>;
}

export async function startResourceServer(
  config: ResourceServerConfig,
): Promise<TestResourceServer> {
  let base = "";
  const log: TestResourceServer["log"] = [];
  const proofErrors: string[] = [];
  const probes: string[] = [];
  const jtis = new Set<string>();
  const prmPath = {
    path: "/.well-known/oauth-protected-resource/mcp",
    root: "/.well-known/oauth-protected-resource",
    custom: "/custom/metadata.json",
    none: "/nowhere",
  }[config.prm ?? "path"];
  const scheme = config.scheme ?? "Bearer";
  const challenge = (params: string[]): string => {
    const all = [...params];
    if (config.prmInChallenge !== false && config.prm !== "none") {
      all.push(`resource_metadata="${base}${prmPath}"`);
    }
    return all.length === 0 ? scheme : `${scheme} ${all.join(", ")}`;
  };
  const refuse = (status: number, params: string[], headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ error: "refused" }), {
      status,
      headers: {
        "www-authenticate": challenge(params),
        "content-type": "application/json",
        ...headers,
      },
    });

  const server = await serveHttp(async (request) => {
    const url = new URL(request.url);
    if (url.pathname !== "/mcp") probes.push(url.pathname);
    if (request.method === "GET" && url.pathname === prmPath) {
      const resource = config.prmResource ?? (config.prm === "root" ? base : `${base}/mcp`);
      return json({
        resource,
        authorization_servers: config.authorizationServers(),
        ...(config.scopesSupported ? { scopes_supported: config.scopesSupported } : {}),
      });
    }
    if (url.pathname !== "/mcp") return new Response("not found", { status: 404 });
    const authorization = request.headers.get("authorization");
    const dpop = request.headers.get("dpop");
    log.push({ method: request.method, path: url.pathname, authorization, dpop });
    const body = request.method === "POST" ? await request.json().catch(() => ({})) : {};
    const rpcMethod = typeof body.method === "string" ? body.method : "";
    if (authorization === null) {
      return refuse(401, config.challengeScope ? [`scope="${config.challengeScope}"`] : []);
    }
    const space = authorization.indexOf(" ");
    const presented = authorization.slice(0, space).toLowerCase();
    const token = authorization.slice(space + 1);
    const record = config.lookup(token);
    if (!record || record.revoked || record.expiresAt <= Date.now()) {
      return refuse(401, ['error="invalid_token"']);
    }
    if (record.resource !== `${base}/mcp` && record.resource !== base) {
      return refuse(401, ['error="invalid_token"', 'error_description="wrong audience"']);
    }
    if (record.jkt !== undefined) {
      if (presented !== "dpop" || dpop === null) return refuse(401, ['error="invalid_token"']);
      const verified = await verifyDpopProof(dpop, request.method, `${base}/mcp`, jtis);
      if (typeof verified === "string") {
        proofErrors.push(verified);
        return refuse(401, ['error="invalid_dpop_proof"']);
      }
      const ath = jose.decodeJwt(dpop).ath;
      const expected = jose.base64url.encode(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))),
      );
      if (ath !== expected || verified.jkt !== record.jkt) {
        proofErrors.push("ath or jkt mismatch");
        return refuse(401, ['error="invalid_dpop_proof"']);
      }
      if (config.dpopNonce !== undefined && verified.nonce !== config.dpopNonce) {
        return refuse(401, ['error="use_dpop_nonce"'], { "dpop-nonce": config.dpopNonce });
      }
    } else if (presented !== "bearer") {
      return refuse(401, ['error="invalid_token"']);
    }
    const required = config.requiredScopes?.(rpcMethod) ?? [];
    if (!required.every((scope) => record.scopes.includes(scope))) {
      return refuse(403, ['error="insufficient_scope"', `scope="${required.join(" ")}"`]);
    }
    return json({ jsonrpc: "2.0", id: body.id ?? null, result: { scopes: record.scopes } });
  });
  base = server.url;
  return {
    url: server.url,
    mcpUrl: `${server.url}/mcp`,
    log,
    probes,
    proofErrors,
    close: () => server.close(),
  };
}

/** An authorization server, a resource server using it, and a provider for the resource. */
export interface Setup {
  as: TestAuthServer;
  rs: TestResourceServer;
  provider: OAuthTokenProvider;
  call(method: string): Promise<Response>;
  close(): Promise<void>;
}

export async function setup(
  asConfig: AuthServerConfig = {},
  rsConfig: Partial<ResourceServerConfig> = {},
  providerOptions: Partial<OAuthClientOptions> = {},
): Promise<Setup> {
  const as = await startAuthServer(asConfig);
  const rs = await startResourceServer({
    authorizationServers: () => [as.issuer],
    lookup: (token) => as.tokens.get(token),
    ...rsConfig,
  });
  const provider = new OAuthTokenProvider({
    serverUrl: rs.mcpUrl,
    interaction: redirectFollowingInteraction({ redirectUri: REDIRECT_URI }),
    ...providerOptions,
  });
  const fetchWithAuth = authorizedFetch(provider);
  let id = 0;
  return {
    as,
    rs,
    provider,
    call: (method) =>
      fetchWithAuth(rs.mcpUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method }),
      }),
    close: async () => {
      await rs.close();
      await as.close();
    },
  };
}

/** A pre-registered client at `as`. */
/** The client id of a `client_secret_basic` Authorization header. */
export function basicClientId(headers: Headers): string | undefined {
  const value = headers.get("authorization");
  return value?.startsWith("Basic ") ? atob(value.slice(6)).split(":")[0] : undefined;
}

export function preRegister(as: TestAuthServer, clientId: string, client: TestClient): void {
  as.clients.set(clientId, client);
}
