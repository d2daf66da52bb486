/**
 * Client authentication at the token endpoint (OAuth 2.1 §2.4, RFC 7523):
 * `client_secret_basic`, `client_secret_post`, `none` (a public client sends
 * only its `client_id`) and `private_key_jwt` (a signed assertion, ES256 or
 * RS256 on Web Crypto), and the choice among them from what the client holds
 * and what the server advertises.
 *
 * @module
 */
import type { AuthorizationServerMetadata } from "./discovery.ts";
import { OAuthClientError } from "./errors.ts";
import {
  importSigningKey,
  type PrivateKeyInput,
  randomToken,
  type SigningAlgorithm,
  signJwt,
} from "./jws.ts";

/** The token endpoint authentication methods the client implements. */
export type TokenEndpointAuthMethod =
  | "client_secret_basic"
  | "client_secret_post"
  | "none"
  | "private_key_jwt";

/** A client's identity at one authorization server. */
export interface ClientCredentials {
  /** The client identifier (for a metadata document client: its https URL). */
  clientId: string;
  /** The secret of a confidential client. */
  clientSecret?: string;
  /** The method to use; chosen from the rest when absent. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** `private_key_jwt`: the signing key (CryptoKey, private JWK or PKCS#8 PEM). Never persisted by a store. */
  privateKey?: PrivateKeyInput;
  /** `private_key_jwt`: the algorithm. Default: ES256 unless the server lists only RS256. */
  signingAlgorithm?: SigningAlgorithm;
  /** `private_key_jwt`: the `kid` header of the assertion. */
  keyId?: string;
  /** The issuer these credentials belong to; using them with another is refused. */
  issuer?: string;
  /** The redirect URIs registered (dynamic registration); a change means registering again. */
  redirectUris?: string[];
  /** `client_secret_expires_at` (seconds since the epoch; 0 or absent: never). */
  clientSecretExpiresAt?: number;
}

/**
 * The method for `client` at a server: the one it names, else
 * `private_key_jwt` with a key, else the secret methods the server lists
 * (`client_secret_basic` first; RFC 8414's default when it lists none), else `none`.
 *
 * @example
 * ```ts
 * import { selectAuthMethod } from "./client_auth.ts";
 * selectAuthMethod(
 *   { clientId: "c", clientSecret: "s" },
 *   { issuer: "https://auth.example.com", token_endpoint_auth_methods_supported: ["client_secret_post"] },
 * ); // → "client_secret_post"
 * ```
 */
export function selectAuthMethod(
  client: ClientCredentials,
  metadata: AuthorizationServerMetadata,
): TokenEndpointAuthMethod {
  if (client.tokenEndpointAuthMethod !== undefined) return client.tokenEndpointAuthMethod;
  if (client.privateKey !== undefined) return "private_key_jwt";
  if (client.clientSecret === undefined) return "none";
  const supported = metadata.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  if (supported.includes("client_secret_basic")) return "client_secret_basic";
  if (supported.includes("client_secret_post")) return "client_secret_post";
  return "client_secret_basic";
}

/** RFC 6749 §2.3.1: each half is form-urlencoded before the Basic encoding. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function signingAlgorithm(
  client: ClientCredentials,
  metadata: AuthorizationServerMetadata,
): SigningAlgorithm {
  if (client.signingAlgorithm !== undefined) return client.signingAlgorithm;
  const listed = metadata.token_endpoint_auth_signing_alg_values_supported;
  return Array.isArray(listed) && !listed.includes("ES256") && listed.includes("RS256")
    ? "RS256"
    : "ES256";
}

/**
 * A `private_key_jwt` client assertion: `iss` and `sub` are the client id,
 * `aud` the issuer (RFC 7523bis), valid for a minute.
 */
export async function clientAssertion(
  client: ClientCredentials,
  metadata: AuthorizationServerMetadata,
  now: number = Date.now(),
): Promise<string> {
  if (client.privateKey === undefined) {
    throw new OAuthClientError(
      "invalid_key",
      `private_key_jwt needs a private key for client ${client.clientId}`,
    );
  }
  const alg = signingAlgorithm(client, metadata);
  const key = await importSigningKey(client.privateKey, alg);
  const iat = Math.floor(now / 1000);
  const header: { [member: string]: unknown } = { typ: "JWT" };
  if (client.keyId !== undefined) header.kid = client.keyId;
  return signJwt(
    header,
    {
      iss: client.clientId,
      sub: client.clientId,
      aud: metadata.issuer,
      jti: randomToken(18),
      iat,
      exp: iat + 60,
    },
    key,
    alg,
  );
}

/**
 * Adds the client's authentication to a token (or similar) request: a Basic
 * `authorization` header, or members of the form body.
 */
export async function applyClientAuth(
  client: ClientCredentials,
  metadata: AuthorizationServerMetadata,
  body: URLSearchParams,
  headers: Record<string, string>,
  now?: number,
): Promise<TokenEndpointAuthMethod> {
  const method = selectAuthMethod(client, metadata);
  switch (method) {
    case "client_secret_basic": {
      if (client.clientSecret === undefined) {
        throw new OAuthClientError(
          "client_unavailable",
          `client_secret_basic needs a secret for client ${client.clientId}`,
        );
      }
      headers.authorization = `Basic ${
        btoa(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`)
      }`;
      break;
    }
    case "client_secret_post":
      if (client.clientSecret === undefined) {
        throw new OAuthClientError(
          "client_unavailable",
          `client_secret_post needs a secret for client ${client.clientId}`,
        );
      }
      body.set("client_id", client.clientId);
      body.set("client_secret", client.clientSecret);
      break;
    case "private_key_jwt":
      body.set("client_id", client.clientId);
      body.set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      body.set("client_assertion", await clientAssertion(client, metadata, now));
      break;
    case "none":
      body.set("client_id", client.clientId);
      break;
  }
  return method;
}
