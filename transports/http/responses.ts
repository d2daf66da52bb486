/**
 * JSON and JSON-RPC error responses of the HTTP transports.
 *
 * @module
 */
import { errorResponse, type RequestId } from "../../protocol/jsonrpc.ts";
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
