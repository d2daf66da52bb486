/**
 * The checks a Streamable HTTP request passes before dispatch: whether a
 * request without a session is 2026-07-28 traffic, and the 2026-07-28
 * header rules (version, method, name and parameter headers against the
 * body), in the spec's order of precedence.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import {
  decodeHeaderValue,
  headerParameters,
  mcpNameField,
  parameterHeaderText,
  valueAtPath,
} from "../../protocol/headers.ts";
import { describeValue } from "../../protocol/describe.ts";
import type { JsonObject, JsonRpcRequest } from "../../protocol/jsonrpc.ts";
import { MetaKey } from "../../protocol/meta.ts";
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import { isLegacyVersion } from "../../protocol/versions.ts";

/**
 * Whether a request without a session is 2026-07-28 traffic: it carries
 * `_meta`, or a version header that is not a legacy version. Anything else is
 * a legacy client and needs a session.
 */
export function isStatelessShaped(request: Request, message: JsonRpcRequest): boolean {
  const headerVersion = request.headers.get("mcp-protocol-version")?.trim();
  const meta = message.params?._meta;
  return (headerVersion !== undefined || meta !== undefined) &&
    !(meta === undefined && headerVersion !== undefined && isLegacyVersion(headerVersion));
}

const headerParameterCache = new WeakMap<JsonObject, ReturnType<typeof headerParameters>>();

/** The `x-mcp-header` parameters of a tool's schema, walked once per schema object. */
function headerParametersOf(schema: JsonObject): ReturnType<typeof headerParameters> {
  let parameters = headerParameterCache.get(schema);
  if (parameters === undefined) {
    parameters = headerParameters(schema);
    headerParameterCache.set(schema, parameters);
  }
  return parameters;
}

/**
 * A decimal numeral: the spec's "decimal string representation", with the
 * fraction its note lets a server compare numerically (`42.0` is `42`). Hex,
 * exponents, signs other than `-` and leading zeros are other spellings an
 * intermediary routing on the header would read differently, so they mismatch.
 */
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** Whether an integer parameter's header text names the body's value. */
function sameInteger(text: string, bodyValue: unknown): boolean {
  return DECIMAL.test(text) && typeof bodyValue === "number" && Number(text) === bodyValue;
}

function mismatch(text: string): McpError {
  return new McpError(ErrorCode.HeaderMismatch, `Header mismatch: ${text}`);
}

/**
 * Validates a 2026-07-28 request before dispatch, in the order the spec's
 * error precedence implies: version header present (-32020), `_meta` complete
 * (-32602), header equals body (-32020), version supported (-32022), then the
 * method, name and parameter headers (-32020). Each answers HTTP 400.
 */
export function modernRequestProblem(
  request: Request,
  message: JsonRpcRequest,
  server: ServerEndpoint,
): McpError | undefined {
  const headers = request.headers;
  const headerVersion = headers.get("mcp-protocol-version")?.trim();
  if (!headerVersion) return mismatch("the MCP-Protocol-Version header is required");
  const meta = message.params?._meta as JsonObject | undefined;
  const bodyVersion = meta?.[MetaKey.protocolVersion];
  const envelope = server.modernEnvelopeProblem(message);
  if (envelope && envelope.code === ErrorCode.InvalidParams) return envelope;
  if (bodyVersion !== headerVersion) {
    return mismatch(
      `MCP-Protocol-Version header value '${headerVersion}' does not match body value '${
        describeValue(bodyVersion)
      }'`,
    );
  }
  if (envelope) return envelope;
  const method = headers.get("mcp-method");
  if (method === null) return mismatch("the Mcp-Method header is required");
  if (method.trim() !== message.method) {
    return mismatch(
      `Mcp-Method header value '${method.trim()}' does not match body value '${message.method}'`,
    );
  }
  const nameField = mcpNameField(message.method);
  if (nameField !== undefined) {
    const bodyName = message.params?.[nameField];
    if (typeof bodyName !== "string") {
      return new McpError(ErrorCode.InvalidParams, `${message.method} needs a string ${nameField}`);
    }
    const raw = headers.get("mcp-name");
    if (raw === null) return mismatch("the Mcp-Name header is required for " + message.method);
    const name = decodeHeaderValue(raw);
    if (name === undefined) return mismatch("the Mcp-Name header has invalid characters");
    if (name !== bodyName) {
      return mismatch(
        `Mcp-Name header value '${name}' does not match body value '${bodyName}'`,
      );
    }
  }
  if (message.method === "tools/call" && typeof message.params?.name === "string") {
    const schema = server.toolInputSchema(message.params.name);
    const parameters = schema ? headerParametersOf(schema) : [];
    if (Array.isArray(parameters)) {
      for (const parameter of parameters) {
        const raw = headers.get(`mcp-param-${parameter.name}`);
        const bodyValue = valueAtPath(message.params.arguments, parameter.path);
        const expected = parameterHeaderText(bodyValue);
        const header = `Mcp-Param-${parameter.name}`;
        if (raw === null) {
          if (expected !== undefined) return mismatch(`the ${header} header is required`);
          continue;
        }
        const decoded = decodeHeaderValue(raw);
        if (decoded === undefined) return mismatch(`the ${header} header has invalid characters`);
        if (expected === undefined) {
          return mismatch(`${header} is present but the argument is absent`);
        }
        const same = parameter.type === "integer"
          ? sameInteger(decoded, bodyValue)
          : decoded === expected;
        if (!same) {
          return mismatch(
            `${header} header value '${decoded}' does not match body value '${expected}'`,
          );
        }
      }
    }
  }
  return undefined;
}
