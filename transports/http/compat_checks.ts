/**
 * The Streamable HTTP side of the server's compatibility flags
 * (`ServerCompat`): the header checks a legacy client's POSTs pass when
 * `enforceSessionHeader`, `enforceProtocolHeader` or
 * `enforceVersionNegotiation` is set. Without them these POSTs are served as
 * the spec allows.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { JsonRpcNotification, JsonRpcRequest } from "../../protocol/jsonrpc.ts";
import type { LegacySession } from "../../protocol/server_endpoint.ts";
import { isLegacyVersion } from "../../protocol/versions.ts";
import { isStatelessShaped } from "./request_checks.ts";
import { rpcError } from "./responses.ts";

/** The HTTP header flags of a server's `compat` option (server/compat.ts), read structurally. */
interface HeaderFlags {
  enforceSessionHeader?: boolean;
  enforceProtocolHeader?: boolean;
  enforceVersionNegotiation?: boolean;
}

function headerFlagsOf(server: unknown): HeaderFlags {
  const compat = (server as { options?: { compat?: unknown } } | null)?.options?.compat;
  return typeof compat === "object" && compat !== null ? compat as HeaderFlags : {};
}

/** The version before `MCP-Protocol-Version` existed: its sessions never send it. */
const HEADERLESS_VERSION = "2025-03-26";

/**
 * `enforceSessionHeader`: the 400 for a legacy-shaped notification POSTed
 * without `Mcp-Session-Id`, or `undefined` (then it is accepted with 202).
 */
export function sessionlessNotificationProblem(
  server: unknown,
  request: Request,
  notification: JsonRpcNotification,
): Response | undefined {
  if (!headerFlagsOf(server).enforceSessionHeader) return undefined;
  if (isStatelessShaped(request, notification as unknown as JsonRpcRequest)) return undefined;
  return rpcError(
    400,
    ErrorCode.InvalidRequest,
    "Bad Request: the Mcp-Session-Id header is required",
  );
}

/**
 * `enforceProtocolHeader` and `enforceVersionNegotiation`: the 400 for a POST
 * in a legacy session without `MCP-Protocol-Version` (sessions after
 * 2025-03-26), or naming a legacy version other than the negotiated one.
 */
export function inSessionHeaderProblem(
  server: unknown,
  request: Request,
  session: LegacySession,
): Response | undefined {
  const compat = headerFlagsOf(server);
  if (!compat.enforceProtocolHeader && !compat.enforceVersionNegotiation) return undefined;
  const negotiated = session.protocolVersion;
  if (negotiated === undefined) return undefined;
  const header = request.headers.get("mcp-protocol-version")?.trim();
  if (header === undefined || header === "") {
    if (!compat.enforceProtocolHeader || negotiated === HEADERLESS_VERSION) return undefined;
    return rpcError(
      400,
      ErrorCode.InvalidRequest,
      `Bad Request: the MCP-Protocol-Version header is required (negotiated ${negotiated})`,
    );
  }
  if (compat.enforceVersionNegotiation && isLegacyVersion(header) && header !== negotiated) {
    return rpcError(
      400,
      ErrorCode.InvalidRequest,
      `Bad Request: MCP-Protocol-Version ${header} is not the negotiated version ${negotiated}`,
    );
  }
  return undefined;
}
