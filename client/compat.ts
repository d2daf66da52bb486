/**
 * {@link ClientCompat}: the client's compatibility flags (aiomcp's client
 * flags, in camelCase). The client tolerates what servers commonly get wrong
 * where the spec allows it; each flag turns one tolerance into an error. A
 * version the client does not speak is always refused.
 *
 * The HTTP header flags work by wrapping `fetch` ({@link compatFetch}): the
 * Streamable HTTP transport keeps the response headers to itself.
 *
 * @module
 */
import { ErrorCode } from "../protocol/errors.ts";
import { type Classified, isObject, type JsonObject } from "../protocol/jsonrpc.ts";
import { httpFetch } from "../runtime/http_client.ts";
import { ClientError } from "./errors.ts";
import type { ClientState } from "./state.ts";

/**
 * Client compatibility flags, all off by default. aiomcp's names are in each
 * flag's description (and in the README's table).
 *
 * @example
 * ```ts
 * import type { ClientCompat } from "./compat.ts";
 * const compat: ClientCompat = { enforceToolResultContent: true, enforceSessionHeader: true };
 * ```
 */
export interface ClientCompat {
  /**
   * aiomcp `throw_mcp_contract_errors`. A result missing a required field
   * (a list without its array, `initialize` without `capabilities` or
   * `serverInfo`) throws instead of reading as empty; an invalid error
   * response (no numeric `code`) fails its request at once instead of being
   * ignored until the timeout.
   */
  throwContractErrors?: boolean;
  /**
   * aiomcp `throw_mcp_parse_errors`. A message from the server that is not
   * valid JSON-RPC (say, a garbled SSE event) fails every pending request
   * with -32700 instead of being ignored with a warning.
   */
  throwParseErrors?: boolean;
  /**
   * aiomcp `enforce_mcp_tools_capability`. `listTools` and `callTool` throw
   * before sending when the server did not advertise the `tools` capability.
   */
  enforceToolsCapability?: boolean;
  /**
   * aiomcp `enforce_mcp_tool_result_content`. A `tools/call` result without
   * a `content` array throws instead of being returned as it came.
   */
  enforceToolResultContent?: boolean;
  /**
   * aiomcp `enforce_mcp_version_negotiation`. A version the client does not
   * speak is always refused. With the flag, a legacy server that answers
   * `initialize` with another version than the one requested (a counter-offer
   * the client could accept) is refused too.
   */
  enforceVersionNegotiation?: boolean;
  /**
   * aiomcp `enforce_mcp_session_header`. Over Streamable HTTP, an `initialize`
   * answered without `Mcp-Session-Id` fails; by default the client goes on
   * without a session.
   */
  enforceSessionHeader?: boolean;
  /**
   * aiomcp `enforce_mcp_protocol_header`. Over Streamable HTTP, a successful
   * response to a request (the `server/discover` probe aside) without
   * `MCP-Protocol-Version` fails. The spec does not ask servers to send it
   * (emcee's server does not), so only turn this on for servers that do.
   */
  enforceProtocolHeader?: boolean;
  /**
   * aiomcp `enforce_mcp_transport_version_consistency`. Over Streamable HTTP,
   * an `initialize` response whose `MCP-Protocol-Version` header differs from
   * the `protocolVersion` in its body fails.
   */
  enforceTransportVersionConsistency?: boolean;
}

function compatOf(state: ClientState): ClientCompat {
  return state.options.compat ?? {};
}

/** The JSON-RPC method and whether it is a request, from a POST body. */
function sentMessage(body: unknown): { method?: string; request: boolean } {
  if (typeof body !== "string") return { request: false };
  try {
    const value = JSON.parse(body);
    if (!isObject(value) || typeof value.method !== "string") return { request: false };
    return { method: value.method, request: "id" in value };
  } catch {
    return { request: false };
  }
}

/** The `protocolVersion` of an `initialize` response body, JSON or SSE. */
function bodyVersion(text: string, json: boolean): unknown {
  const candidates = json
    ? [text]
    : text.split(/\r?\n/).filter((line) => line.startsWith("data:")).map((line) => line.slice(5));
  for (const candidate of candidates) {
    try {
      const message = JSON.parse(candidate);
      if (isObject(message) && isObject(message.result)) return message.result.protocolVersion;
    } catch {
      continue;
    }
  }
  return undefined;
}

function headerError(message: string, code: number = ErrorCode.InvalidRequest): ClientError {
  return new ClientError(code, message);
}

/**
 * Wraps `fetch` with the HTTP header flags (`enforceSessionHeader`,
 * `enforceProtocolHeader`, `enforceTransportVersionConsistency`); `base` as
 * it is when none is set.
 */
export function compatFetch(
  base: typeof fetch | undefined,
  compat: ClientCompat | undefined,
): typeof fetch | undefined {
  if (
    !compat?.enforceSessionHeader && !compat?.enforceProtocolHeader &&
    !compat?.enforceTransportVersionConsistency
  ) return base;
  const inner = base ?? httpFetch;
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await inner(input, init);
    if (init?.method !== "POST" || response.status !== 200) return response;
    const sent = sentMessage(init.body);
    if (!sent.request) return response;
    const header = response.headers.get("mcp-protocol-version")?.trim() || undefined;
    if (compat.enforceProtocolHeader && sent.method !== "server/discover" && !header) {
      throw headerError(`The server answered ${sent.method} without MCP-Protocol-Version`);
    }
    if (sent.method !== "initialize") return response;
    if (compat.enforceSessionHeader && !response.headers.get("mcp-session-id")) {
      throw headerError("The server answered initialize without Mcp-Session-Id");
    }
    if (compat.enforceTransportVersionConsistency && header !== undefined) {
      const type = response.headers.get("content-type") ?? "";
      const version = bodyVersion(await response.clone().text(), !type.includes("event-stream"));
      if (typeof version === "string" && version !== header) {
        throw headerError(
          `The initialize result chose ${version} but its MCP-Protocol-Version header says ${header}`,
          ErrorCode.UnsupportedProtocolVersion,
        );
      }
    }
    return response;
  };
  return wrapped as typeof fetch;
}

/** `throwContractErrors`: throws when a list result lacks its array of objects. */
export function checkListResult(
  state: ClientState,
  method: string,
  field: string,
  result: JsonObject,
): void {
  if (!compatOf(state).throwContractErrors) return;
  const items = result[field];
  if (!Array.isArray(items) || !items.every(isObject)) {
    throw new ClientError(
      ErrorCode.InvalidParams,
      `The ${method} result needs "${field}" as an array of objects`,
    );
  }
}

/** `throwContractErrors` and `enforceVersionNegotiation` on an `initialize` result. */
export function checkInitializeResult(
  state: ClientState,
  requested: string,
  result: JsonObject,
): void {
  const compat = compatOf(state);
  if (compat.throwContractErrors) {
    const info = result.serverInfo;
    if (!isObject(result.capabilities) || !isObject(info) || typeof info.name !== "string") {
      throw new ClientError(
        ErrorCode.InvalidParams,
        "The initialize result needs capabilities and serverInfo with a name",
      );
    }
  }
  if (compat.enforceVersionNegotiation && result.protocolVersion !== requested) {
    throw new ClientError(
      ErrorCode.UnsupportedProtocolVersion,
      `The server answered initialize with ${
        JSON.stringify(result.protocolVersion)
      }, not the requested ${requested}`,
    );
  }
}

/** `enforceToolsCapability`: throws when the server did not advertise tools. */
export function checkToolsCapability(state: ClientState, method: string): void {
  if (compatOf(state).enforceToolsCapability && !isObject(state.serverCapabilities.tools)) {
    throw new ClientError(
      ErrorCode.MethodNotFound,
      `The server did not advertise the tools capability, so ${method} is not sent`,
    );
  }
}

/** `enforceToolResultContent`: throws when a `tools/call` result has no content array. */
export function checkToolResult(state: ClientState, name: string, result: JsonObject): void {
  if (compatOf(state).enforceToolResultContent && !Array.isArray(result.content)) {
    throw new ClientError(
      ErrorCode.InvalidParams,
      `Tool ${name} returned a result without a content array`,
    );
  }
}

/**
 * `throwParseErrors` and `throwContractErrors` for a message that is not
 * valid JSON-RPC: true when a flag turned it into a failure (nothing to warn about).
 */
export function failOnInvalid(
  state: ClientState,
  incoming: Extract<Classified, { kind: "invalid" }>,
): boolean {
  const compat = compatOf(state);
  const error = incoming.error.error;
  if (compat.throwParseErrors) {
    state.engine.failAll(
      new ClientError(ErrorCode.ParseError, `Invalid message from the server: ${error.message}`),
    );
    return true;
  }
  if (compat.throwContractErrors && "id" in incoming.error) {
    // The description names the broken field; the request it answers fails with it.
    return state.engine.handleResponse(incoming.error);
  }
  return false;
}
