/**
 * Who an HTTP transport serves: the DNS-rebinding guard, then the
 * `authenticate` hook, and the principal a legacy session is bound to.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { type OriginPolicy, originProblem } from "./origin_guard.ts";
import { rpcError } from "./responses.ts";

/**
 * Decides who a request is served as: the principal, a Response that refuses
 * it, or `undefined` to serve it anonymously (e.g. `bearerAuth(…)` from auth/).
 */
export type Authenticate = (
  request: Request,
) => Promise<AuthInfo | Response | undefined> | AuthInfo | Response | undefined;

const ANONYMOUS: { auth?: AuthInfo } = Object.freeze({});

/**
 * Admits a request to an MCP endpoint: the origin guard (403), then
 * `authenticate`. Returns the Response that refuses it, or the principal.
 */
export async function admit(
  request: Request,
  options: OriginPolicy & { authenticate?: Authenticate },
): Promise<{ auth?: AuthInfo } | Response> {
  const refused = originProblem(request, options);
  if (refused) return rpcError(403, ErrorCode.InvalidRequest, `Forbidden: ${refused}`);
  if (!options.authenticate) return ANONYMOUS;
  const outcome = await options.authenticate(request);
  return outcome instanceof Response ? outcome : { auth: outcome };
}

/** The identity a legacy session is bound to: the authenticated subject or client, if any. */
export function principalOf(auth: AuthInfo | undefined): string {
  return auth ? `${auth.subject ?? ""}|${auth.clientId ?? ""}` : "";
}
