/**
 * Authorization server metadata (RFC 8414): the document naming this
 * server's endpoints and abilities, and the well-known paths it is served
 * at, including the OpenID Connect discovery ones some clients try first.
 *
 * @module
 */
import { ASYMMETRIC_ALGORITHMS } from "../jws.ts";
import type { AuthorizationServerContext } from "./options.ts";

/** The RFC 8414 §2 document, as this server fills it in. */
export interface AuthorizationServerMetadata {
  /** The issuer identifier. */
  issuer: string;
  /** The authorization endpoint. */
  authorization_endpoint: string;
  /** The token endpoint. */
  token_endpoint: string;
  /** The JWKS with the token-signing key. */
  jwks_uri: string;
  /** Dynamic client registration, when enabled. */
  registration_endpoint?: string;
  /** RFC 7009 revocation. */
  revocation_endpoint: string;
  /** RFC 7662 introspection. */
  introspection_endpoint: string;
  /** Scopes offered, when restricted. */
  scopes_supported?: string[];
  /** Only `code`. */
  response_types_supported: string[];
  /** Only `query`. */
  response_modes_supported: string[];
  /** The grants. */
  grant_types_supported: string[];
  /** Client authentication at the token endpoint. */
  token_endpoint_auth_methods_supported: string[];
  /** Client authentication at the revocation endpoint. */
  revocation_endpoint_auth_methods_supported: string[];
  /** Client authentication at the introspection endpoint (never `none`). */
  introspection_endpoint_auth_methods_supported: string[];
  /** Only `S256`. */
  code_challenge_methods_supported: string[];
  /** RFC 9449 §5.1: the algorithms of the DPoP proofs `/token` accepts. */
  dpop_signing_alg_values_supported: string[];
  /** RFC 9207: the authorization response carries `iss`. */
  authorization_response_iss_parameter_supported: boolean;
  /** Whether `client_id` may be a metadata-document URL. */
  client_id_metadata_document_supported: boolean;
  /** Further members. */
  [member: string]: unknown;
}

/**
 * The metadata document of a resolved server.
 *
 * @example
 * ```ts
 * import { authorizationServerMetadata } from "./metadata.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * authorizationServerMetadata(context).token_endpoint; // → "http://127.0.0.1:3000/token"
 * ```
 */
export function authorizationServerMetadata(
  context: AuthorizationServerContext,
): AuthorizationServerMetadata {
  const { endpoints } = context;
  const secretMethods = context.authMethods.filter((method) => method !== "none");
  const document: AuthorizationServerMetadata = {
    issuer: context.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    revocation_endpoint: endpoints.revocation,
    introspection_endpoint: endpoints.introspection,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    token_endpoint_auth_methods_supported: [...context.authMethods],
    revocation_endpoint_auth_methods_supported: [...context.authMethods],
    introspection_endpoint_auth_methods_supported: secretMethods,
    code_challenge_methods_supported: ["S256"],
    dpop_signing_alg_values_supported: [...ASYMMETRIC_ALGORITHMS],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: context.loadMetadataDocument !== undefined,
  };
  if (context.dynamicRegistration) document.registration_endpoint = endpoints.registration;
  if (context.scopes.supported !== undefined) {
    document.scopes_supported = [...context.scopes.supported];
  }
  return document;
}

/**
 * The paths the metadata of `issuer` is served at: RFC 8414 §3.1 inserts
 * the well-known segment between host and issuer path; OpenID Connect
 * Discovery appends it, and clients try both.
 *
 * @example
 * ```ts
 * import { metadataPaths } from "./metadata.ts";
 * metadataPaths("https://example.com/auth");
 * // → Set { "/.well-known/oauth-authorization-server/auth",
 * //         "/.well-known/openid-configuration/auth", "/auth/.well-known/openid-configuration" }
 * ```
 */
export function metadataPaths(issuer: string): Set<string> {
  const path = new URL(issuer).pathname.replace(/\/$/, "");
  return new Set([
    `/.well-known/oauth-authorization-server${path}`,
    `/.well-known/openid-configuration${path}`,
    `${path}/.well-known/openid-configuration`,
  ]);
}
