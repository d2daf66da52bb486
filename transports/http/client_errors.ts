/**
 * How the Streamable HTTP client transport reports an HTTP answer that was not a success: the
 * JSON-RPC error of the body when it carried one, an expired session on 404, else the status
 * and the start of the body.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { isObject } from "../../protocol/jsonrpc.ts";

/**
 * An HTTP answer that was not a success. `code` is the JSON-RPC error code of
 * the body when it carried one (`jsonRpcBody` true), else -32000.
 */
export class HttpStatusError extends McpError {
  /** The HTTP status. */
  readonly status: number;
  /** Whether the body was a JSON-RPC error response. */
  readonly jsonRpcBody: boolean;

  /** Creates the error. */
  constructor(status: number, code: number, message: string, data: unknown, jsonRpcBody: boolean) {
    super(code, message, data);
    this.name = "HttpStatusError";
    this.status = status;
    this.jsonRpcBody = jsonRpcBody;
  }
}

/**
 * The error for a refused `response` to `method`, reading its body. With `inSession`, a 404
 * means the server forgot the session (the caller then drops its id).
 */
export async function httpStatusError(
  response: Response,
  method: string,
  inSession: boolean,
): Promise<McpError> {
  const text = await response.text().catch(() => "");
  if (response.status === 404 && inSession) {
    return new HttpStatusError(
      404,
      ErrorCode.ConnectionClosed,
      `The server no longer knows this session (HTTP 404 on ${method}); reconnect to start a new one`,
      { httpStatus: 404, sessionExpired: true },
      false,
    );
  }
  try {
    const parsed = JSON.parse(text);
    if (isObject(parsed) && isObject(parsed.error) && typeof parsed.error.code === "number") {
      return new HttpStatusError(
        response.status,
        parsed.error.code,
        String(parsed.error.message ?? `HTTP ${response.status}`),
        parsed.error.data,
        true,
      );
    }
  } catch {
    // Not JSON: report the status and the start of the body.
  }
  const snippet = text.trim().slice(0, 200);
  return new HttpStatusError(
    response.status,
    ErrorCode.ConnectionClosed,
    `HTTP ${response.status} ${response.statusText} for ${method}${snippet ? `: ${snippet}` : ""}`,
    { httpStatus: response.status },
    false,
  );
}

/** `error` as the transport's failure of the request for `method`. */
export function transportFailure(method: string, error: unknown): McpError {
  return error instanceof McpError ? error : new McpError(
    ErrorCode.ConnectionClosed,
    `HTTP request for ${method} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}
