/**
 * JSON and JSON-RPC error responses of the HTTP transports.
 *
 * @module
 */
import { McpError } from "../../protocol/errors.ts";
import { errorResponse, type RequestId } from "../../protocol/jsonrpc.ts";
import { retryAfterOf } from "../../protocol/store_errors.ts";
import { wholeResponse } from "../../runtime/whole_response.ts";

const JSON_HEADERS = { "content-type": "application/json" };

/** A JSON response; no body when `body` is undefined. */
export function json(status: number, body: unknown, headers?: HeadersInit): Response {
  if (body === undefined) return wholeResponse(null, { status, headers });
  return wholeResponse(JSON.stringify(body), {
    status,
    headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS,
  });
}

/** A JSON-RPC error response with an HTTP status. */
export function rpcError(
  status: number,
  code: number,
  message: string,
  id?: RequestId,
  data?: unknown,
): Response {
  return json(
    status,
    errorResponse(id, data === undefined ? { code, message } : { code, message, data }),
  );
}

/** The 503 for a shared store that was unreachable: `Retry-After`, and the JSON-RPC error. */
export function storeUnavailable(retryAfterSeconds: number, body: unknown): Response {
  return json(503, body, { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) });
}

/**
 * The 503 naming request `id` when `error` is a `StoreUnavailableError` (a shared store such as
 * sessions on Redis was unreachable); any other error is thrown on.
 */
export function storeFailureAnswer(error: unknown, id?: RequestId): Response {
  const retryAfter = error instanceof McpError ? retryAfterOf(error) : undefined;
  if (retryAfter === undefined) throw error;
  return storeUnavailable(retryAfter, errorResponse(id, (error as McpError).toJSON()));
}
