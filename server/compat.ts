/**
 * {@link ServerCompat}: the server's compatibility flags (aiomcp's server
 * flags, in camelCase). emcee defaults to broad compatibility where the spec
 * allows it; each flag only adds strictness (or, for
 * `allowToolResultEmptyContent`, a spec-allowed slimmer result), and no
 * default loosens what the conformance suites check: the 2026-07-28 header
 * checks and the answers to malformed JSON-RPC are always on.
 *
 * The HTTP-only checks (`enforceSessionHeader`, `enforceProtocolHeader`,
 * `enforceVersionNegotiation`) live in `transports/http/compat_checks.ts`.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject, type JsonObject, type JsonRpcRequest } from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import type { LegacySession } from "../protocol/server_endpoint.ts";
import type { ToolMiddleware } from "./middleware.ts";
import { RESULT_KEY } from "./result_wrapper.ts";

/**
 * Server compatibility flags, all off by default. aiomcp's names are in
 * each flag's description (and in the README's table).
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * const server = new McpServer({ name: "strict", version: "1.0.0" }, {
 *   compat: { enforceInitializeSequence: true, enforceProtocolHeader: true },
 * });
 * ```
 */
export interface ServerCompat {
  /**
   * aiomcp `throw_mcp_parse_errors`. Malformed JSON and invalid JSON-RPC are
   * always answered (-32700 / -32600), never ignored. With the flag, a request
   * JSON-RPC 2.0 does not define is refused too (-32600): members other than
   * `jsonrpc`, `id`, `method` and `params`, or a fractional numeric id.
   */
  throwParseErrors?: boolean;
  /**
   * aiomcp `enforce_mcp_initialize_sequence`. In a legacy session, refuses
   * (-32600) every request but `ping` until `notifications/initialized`
   * arrived. Without it such requests are served as soon as `initialize` was.
   */
  enforceInitializeSequence?: boolean;
  /**
   * aiomcp `enforce_mcp_version_negotiation`. `initialize` always negotiates
   * (the requested version when supported, else the newest legacy one). With
   * the flag, an HTTP request in a legacy session whose `MCP-Protocol-Version`
   * names a legacy version other than the negotiated one answers 400.
   */
  enforceVersionNegotiation?: boolean;
  /**
   * aiomcp `enforce_mcp_session_header`. Legacy HTTP requests without
   * `Mcp-Session-Id` always answer 400. With the flag, a legacy-shaped
   * notification without it answers 400 too, instead of 202.
   */
  enforceSessionHeader?: boolean;
  /**
   * aiomcp `enforce_mcp_protocol_header`. 2026-07-28 requests always need
   * `MCP-Protocol-Version`. With the flag, HTTP POSTs in a legacy session
   * negotiated at 2025-06-18 or later need it too (400 without), where the
   * spec lets a server assume 2025-03-26.
   */
  enforceProtocolHeader?: boolean;
  /**
   * aiomcp `skip_mcp_tool_output_schema`. `tools/list` omits every tool's
   * `outputSchema`, for clients that choke on it. Results are still checked
   * against the schema on the server.
   */
  skipToolOutputSchema?: boolean;
  /**
   * aiomcp `enforce_mcp_tool_result_content_format`. A tool result whose
   * `content` holds a block that is not a valid MCP content block (a text
   * block without `text`, an image without `data` or `mimeType`, …) fails
   * with -32603 instead of being sent as the handler built it.
   */
  enforceToolResultContentFormat?: boolean;
  /**
   * aiomcp `allow_mcp_tool_result_empty_content`. A successful result's
   * `structuredContent` is not mirrored into a text block: `content` is `[]`.
   * Without it the JSON text block is added, as the spec recommends.
   */
  allowToolResultEmptyContent?: boolean;
}

const REQUEST_MEMBERS: ReadonlySet<string> = new Set(["jsonrpc", "id", "method", "params"]);

/**
 * Why `request` is refused by the flags before dispatch (`throwParseErrors`,
 * `enforceInitializeSequence`), or `undefined`.
 */
export function compatRequestProblem(
  compat: ServerCompat,
  request: JsonRpcRequest,
  session: LegacySession | undefined,
): McpError | undefined {
  if (compat.throwParseErrors) {
    const extra = Object.keys(request).find((key) => !REQUEST_MEMBERS.has(key));
    if (extra !== undefined) {
      return new McpError(
        ErrorCode.InvalidRequest,
        `Invalid Request: JSON-RPC 2.0 defines no "${extra}" member`,
      );
    }
    if (typeof request.id === "number" && !Number.isInteger(request.id)) {
      return new McpError(ErrorCode.InvalidRequest, "Invalid Request: a fractional request id");
    }
  }
  if (
    compat.enforceInitializeSequence && session?.protocolVersion !== undefined &&
    !session.initialized && request.method !== "ping" && request.method !== "initialize"
  ) {
    const meta = request.params?._meta;
    // A 2026-07-28 request in the session has no handshake to wait for.
    if (!isObject(meta) || meta[MetaKey.protocolVersion] === undefined) {
      return new McpError(
        ErrorCode.InvalidRequest,
        `The session is not initialized: send notifications/initialized before ${request.method}`,
      );
    }
  }
  return undefined;
}

/** A `tools/list` result without output schemas (`skipToolOutputSchema`); the cached page stays intact. */
export function withoutOutputSchemas(result: JsonObject): JsonObject {
  if (!Array.isArray(result.tools)) return result;
  const tools = result.tools.map((tool) => {
    if (!isObject(tool) || !("outputSchema" in tool)) return tool;
    const { outputSchema: _schema, ...rest } = tool;
    return rest;
  });
  return { ...result, tools };
}

/** Why a content block is not a valid MCP content block, or `undefined`. */
export function contentBlockProblem(block: unknown): string | undefined {
  if (!isObject(block)) return "is not an object";
  const needs = (...keys: string[]): string | undefined => {
    const missing = keys.find((key) => typeof block[key] !== "string");
    return missing === undefined ? undefined : `(${block.type}) needs a string ${missing}`;
  };
  switch (block.type) {
    case "text":
      return needs("text");
    case "image":
    case "audio":
      return needs("data", "mimeType");
    case "resource_link":
      return needs("uri", "name");
    case "resource": {
      const resource = block.resource;
      if (!isObject(resource) || typeof resource.uri !== "string") {
        return "(resource) needs a resource with a string uri";
      }
      return typeof resource.text === "string" || typeof resource.blob === "string"
        ? undefined
        : "(resource) needs a resource with a string text or blob";
    }
    default:
      return `has an unknown type ${JSON.stringify(block.type)}`;
  }
}

/** Whether `content` is only the JSON text block mirroring `structured`. */
function mirrorsStructured(content: unknown, structured: unknown): boolean {
  if (!Array.isArray(content) || content.length !== 1) return false;
  const block = content[0];
  if (!isObject(block) || block.type !== "text" || typeof block.text !== "string") return false;
  if (block.text === JSON.stringify(structured)) return true;
  return isObject(structured) && RESULT_KEY in structured &&
    block.text === JSON.stringify(structured[RESULT_KEY]);
}

/**
 * The tool middleware the result flags need (`enforceToolResultContentFormat`,
 * `allowToolResultEmptyContent`), or `undefined` when neither is set.
 */
export function compatToolMiddleware(compat: ServerCompat): ToolMiddleware | undefined {
  const { enforceToolResultContentFormat: format, allowToolResultEmptyContent: empty } = compat;
  if (!format && !empty) return undefined;
  return async (call, next) => {
    let result = await next();
    if (empty && result.isError !== true && result.structuredContent !== undefined) {
      if (mirrorsStructured(result.content, result.structuredContent)) {
        result = { ...result, content: [] };
      }
    }
    if (format) {
      const content = Array.isArray(result.content) ? result.content : undefined;
      if (content === undefined) {
        throw new McpError(
          ErrorCode.InternalError,
          `Tool ${call.name} returned a result without a content array`,
        );
      }
      for (const [index, block] of content.entries()) {
        const problem = contentBlockProblem(block);
        if (problem !== undefined) {
          throw new McpError(
            ErrorCode.InternalError,
            `Tool ${call.name} returned an invalid content block: content[${index}] ${problem}`,
          );
        }
      }
    }
    return result;
  };
}
