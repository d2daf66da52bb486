/**
 * JSON-RPC 2.0 framing: message shapes, classification of untrusted input with
 * the exact error codes, and builders for responses.
 *
 * @module
 */
import { ErrorCode, toErrorObject } from "./errors.ts";

/** A JSON-RPC request id. MCP forbids `null`. */
export type RequestId = string | number;

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** A request: expects a response with the same id. */
export interface JsonRpcRequest {
  /** Always "2.0". */
  jsonrpc: "2.0";
  /** The id the response must carry. */
  id: RequestId;
  /** The method name. */
  method: string;
  /** Named parameters. */
  params?: JsonObject;
}

/** A notification: one-way, no id, no response. */
export interface JsonRpcNotification {
  /** Always "2.0". */
  jsonrpc: "2.0";
  /** The method name. */
  method: string;
  /** Named parameters. */
  params?: JsonObject;
}

/** The error member of an error response. */
export interface JsonRpcErrorObject {
  /** An integer error code. */
  code: number;
  /** A short description. */
  message: string;
  /** Optional details. */
  data?: unknown;
}

/** A successful response. */
export interface JsonRpcResultResponse {
  /** Always "2.0". */
  jsonrpc: "2.0";
  /** The id of the request answered. */
  id: RequestId;
  /** The result object. */
  result: JsonObject;
}

/** An error response. The id is absent when the request's id could not be read. */
export interface JsonRpcErrorResponse {
  /** Always "2.0". */
  jsonrpc: "2.0";
  /** The id of the request answered, when known. */
  id?: RequestId | null;
  /** The error. */
  error: JsonRpcErrorObject;
}

/** Any response. */
export type JsonRpcResponse = JsonRpcResultResponse | JsonRpcErrorResponse;

/** Any JSON-RPC message. */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** The outcome of classifying one untrusted value. */
export type Classified =
  | { kind: "request"; message: JsonRpcRequest }
  | { kind: "notification"; message: JsonRpcNotification }
  | { kind: "response"; message: JsonRpcResponse }
  | { kind: "invalid"; error: JsonRpcErrorResponse };

/**
 * Whether `value` is a JSON object (not `null`, not an array).
 *
 * @example
 * ```ts
 * import { isObject } from "./jsonrpc.ts";
 * isObject({ a: 1 }); // true
 * isObject([1]); // false
 * ```
 */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(message: string, id?: RequestId): Classified {
  return {
    kind: "invalid",
    error: errorResponse(id, { code: ErrorCode.InvalidRequest, message }),
  };
}

/**
 * Classifies one parsed JSON value as a request, notification or response, or
 * answers why it is not a valid JSON-RPC message (-32600). Batches are refused:
 * MCP removed them in 2025-06-18.
 */
export function classifyMessage(value: unknown): Classified {
  if (Array.isArray(value)) return invalid("Batch requests are not supported");
  if (!isObject(value)) return invalid("A JSON-RPC message must be an object");
  const id = value.id;
  const idOk = typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
  const echoId = idOk ? (id as RequestId) : undefined;
  if (value.jsonrpc !== "2.0") return invalid('The "jsonrpc" member must be "2.0"', echoId);
  if ("method" in value) {
    if (typeof value.method !== "string") {
      return invalid('The "method" member must be a string', echoId);
    }
    if (value.params !== undefined && !isObject(value.params)) {
      return {
        kind: "invalid",
        error: errorResponse(echoId, {
          code: ErrorCode.InvalidParams,
          message: 'The "params" member must be an object',
        }),
      };
    }
    if (!("id" in value)) {
      return { kind: "notification", message: value as unknown as JsonRpcNotification };
    }
    if (id === null) return invalid("A request id must not be null");
    if (!idOk) return invalid("A request id must be a string or a number");
    return { kind: "request", message: value as unknown as JsonRpcRequest };
  }
  if ("result" in value || "error" in value) {
    if ("result" in value && !isObject(value.result)) {
      return invalid('The "result" member must be an object', echoId);
    }
    if ("error" in value) {
      const error = value.error;
      if (!isObject(error) || typeof error.code !== "number" || typeof error.message !== "string") {
        return invalid('The "error" member must have a numeric code and a message', echoId);
      }
    }
    return { kind: "response", message: value as unknown as JsonRpcResponse };
  }
  return invalid("Not a request, notification or response", echoId);
}

/**
 * Parses text as one JSON-RPC message. Invalid JSON answers -32700.
 *
 * @example
 * ```ts
 * import { parseMessage } from "./jsonrpc.ts";
 * const c = parseMessage('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
 * if (c.kind === "request") console.log(c.message.method);
 * ```
 */
export function parseMessage(text: string): Classified {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      kind: "invalid",
      error: errorResponse(undefined, {
        code: ErrorCode.ParseError,
        message: "Parse error: invalid JSON",
      }),
    };
  }
  return classifyMessage(value);
}

/** Builds a success response. */
export function resultResponse(id: RequestId, result: JsonObject): JsonRpcResultResponse {
  return { jsonrpc: "2.0", id, result };
}

/** Builds an error response; `id` is omitted when unknown. */
export function errorResponse(
  id: RequestId | undefined | null,
  error: JsonRpcErrorObject,
): JsonRpcErrorResponse {
  return id === undefined || id === null
    ? { jsonrpc: "2.0", error }
    : { jsonrpc: "2.0", id, error };
}

/** Builds an error response from anything thrown. */
export function errorResponseFrom(id: RequestId | undefined, error: unknown): JsonRpcErrorResponse {
  return errorResponse(id, toErrorObject(error));
}

/** Whether a response is an error response. */
export function isErrorResponse(message: JsonRpcResponse): message is JsonRpcErrorResponse {
  return "error" in message;
}
