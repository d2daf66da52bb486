/**
 * Who a request is served as, as one string: what legacy sessions, session
 * quotas and MRTR `requestState` are bound to.
 *
 * @module
 */
import type { AuthInfo } from "./server_endpoint.ts";

/**
 * The principal of `auth`: `""` when anonymous; otherwise an unambiguous
 * encoding (JSON, so no separator inside a field can forge another) of the
 * subject and client id, or, for a token that names neither, of the token
 * itself, so that tokens without identity never share a principal. The
 * result may hold the token: keep it in memory, digest it before it leaves.
 *
 * @example
 * ```ts
 * import { principalOf } from "./principal.ts";
 * principalOf({ token: "t", subject: "a|b", clientId: "", scopes: [] }) !==
 *   principalOf({ token: "t", subject: "a", clientId: "b|", scopes: [] }); // true
 * ```
 */
export function principalOf(auth: AuthInfo | undefined): string {
  if (auth === undefined) return "";
  const subject = auth.subject ?? "";
  const clientId = auth.clientId ?? "";
  // A token that says who it is stays bound to that identity across refreshes.
  if (subject !== "" || clientId !== "") return JSON.stringify(["id", subject, clientId]);
  return JSON.stringify(["token", auth.token]);
}
