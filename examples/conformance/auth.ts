/**
 * The OAuth client of the conformance client: for an `auth/*` scenario, the
 * `OAuthTokenProvider` configured the way that scenario's harness expects —
 * a redirect-following interaction (the harness's authorization server
 * redirects at once, no user), its client ID metadata document URL, and the
 * credentials the harness hands over in `MCP_CONFORMANCE_CONTEXT`.
 *
 * @module
 */
import {
  type ClientCredentials,
  idJagAssertion,
  OAuthTokenProvider,
  redirectFollowingInteraction,
  type SigningAlgorithm,
} from "../../auth/oauth_client/mod.ts";
import { getEnv } from "../../runtime/mod.ts";

/** The redirect URI the harness's authorization servers accept. */
const REDIRECT_URI = "http://localhost:3000/callback";
/** The client ID metadata document the harness serves for CIMD scenarios. */
const CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json";

/** What the harness passes for scenarios with pre-arranged credentials. */
interface AuthContext {
  name?: string;
  client_id?: string;
  client_secret?: string;
  private_key_pem?: string;
  signing_algorithm?: string;
  valid_jwt?: string;
  idp_client_id?: string;
  idp_id_token?: string;
  idp_token_endpoint?: string;
}

function scenarioContext(): AuthContext {
  const raw = getEnv("MCP_CONFORMANCE_CONTEXT");
  return raw ? JSON.parse(raw) as AuthContext : {};
}

function required(context: AuthContext, key: keyof AuthContext): string {
  const value = context[key];
  if (typeof value !== "string") {
    throw new Error(`MCP_CONFORMANCE_CONTEXT has no ${key} for ${context.name}`);
  }
  return value;
}

/** The client credentials a client-credentials scenario provides. */
function machineCredentials(context: AuthContext): ClientCredentials {
  const clientId = required(context, "client_id");
  if (context.private_key_pem !== undefined) {
    return {
      clientId,
      tokenEndpointAuthMethod: "private_key_jwt",
      privateKey: context.private_key_pem,
      signingAlgorithm: (context.signing_algorithm ?? "ES256") as SigningAlgorithm,
    };
  }
  return { clientId, clientSecret: required(context, "client_secret") };
}

/**
 * The token provider for `scenario` against `serverUrl`.
 *
 * @example
 * ```ts
 * import { conformanceAuth } from "./auth.ts";
 * const auth = conformanceAuth("auth/metadata-default", "http://127.0.0.1:3000/mcp");
 * ```
 */
export function conformanceAuth(scenario: string, serverUrl: string): OAuthTokenProvider {
  const context = scenarioContext();
  const interaction = redirectFollowingInteraction({ redirectUri: REDIRECT_URI });
  const clientMetadata = { client_name: "emcee-conformance-client", redirect_uris: [REDIRECT_URI] };
  switch (scenario) {
    case "auth/client-credentials-basic":
    case "auth/client-credentials-jwt":
      return new OAuthTokenProvider({
        serverUrl,
        grant: "client_credentials",
        client: machineCredentials(context),
      });
    case "auth/wif-jwt-bearer":
      // A workload with a token from its platform: no secret, the JWT is the credential.
      return new OAuthTokenProvider({
        serverUrl,
        grant: "jwt_bearer",
        client: { clientId: required(context, "client_id") },
        assertion: required(context, "valid_jwt"),
      });
    case "auth/enterprise-managed-authorization":
    case "auth/cross-app-access-complete-flow":
      // The user's IdP turns their ID token into an ID-JAG for the MCP server's authorization server.
      return new OAuthTokenProvider({
        serverUrl,
        grant: "jwt_bearer",
        client: {
          clientId: required(context, "client_id"),
          clientSecret: required(context, "client_secret"),
        },
        assertion: idJagAssertion({
          idpTokenEndpoint: required(context, "idp_token_endpoint"),
          idToken: required(context, "idp_id_token"),
          idpClient: { clientId: required(context, "idp_client_id") },
        }),
      });
    case "auth/pre-registration":
      return new OAuthTokenProvider({
        serverUrl,
        interaction,
        clientMetadata,
        client: {
          clientId: required(context, "client_id"),
          clientSecret: required(context, "client_secret"),
        },
      });
    default:
      return new OAuthTokenProvider({
        serverUrl,
        interaction,
        clientMetadata,
        clientMetadataUrl: CLIENT_METADATA_URL,
      });
  }
}
