/**
 * Who an HTTP transport serves: the DNS-rebinding guard, then the
 * `authenticate` hook, and the principal a legacy session is bound to.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { JsonRpcRequest } from "../../protocol/jsonrpc.ts";
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

/**
 * Decides, once a POST's JSON-RPC body is read, whether its principal may make
 * this request: a Response refuses the whole POST (e.g. 403
 * `insufficient_scope` for a tool that needs more scopes, from
 * `toolScopeCheck(…)` in auth/), `undefined` lets it through. Runs for every
 * request of the body, after `authenticate` and the 2026-07-28 header checks.
 */
export type Authorize = (
  message: JsonRpcRequest,
  auth: AuthInfo | undefined,
  request: Request,
) => Promise<Response | undefined> | Response | undefined;

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

// The encoding lives in protocol/ so that server/ binds MRTR state to the same principal.
export { principalOf } from "../../protocol/principal.ts";
