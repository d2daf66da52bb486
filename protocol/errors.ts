/**
 * JSON-RPC and MCP error codes, and the error type every layer of emcee throws.
 *
 * @module
 */

/** Error codes defined by JSON-RPC 2.0 and by MCP (2026-07-28 and earlier). */
export const ErrorCode: {
  readonly ParseError: -32700;
  readonly InvalidRequest: -32600;
  readonly MethodNotFound: -32601;
  readonly InvalidParams: -32602;
  readonly InternalError: -32603;
  readonly HeaderMismatch: -32020;
  readonly MissingRequiredClientCapability: -32021;
  readonly UnsupportedProtocolVersion: -32022;
  readonly ResourceNotFoundLegacy: -32002;
  readonly UrlElicitationRequired: -32042;
  readonly RequestTimeout: -32001;
  readonly ConnectionClosed: -32000;
} = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
  ResourceNotFoundLegacy: -32002,
  UrlElicitationRequired: -32042,
  // Local conditions, never sent on the wire by emcee; grandfathered legacy range.
  RequestTimeout: -32001,
  ConnectionClosed: -32000,
};

/**
 * An error that maps onto a JSON-RPC error object. Throw it from any handler to
 * answer with that exact code, message and data.
 *
 * @example
 * ```ts
 * import { ErrorCode, McpError } from "./errors.ts";
 * throw new McpError(ErrorCode.InvalidParams, "Unknown tool: nope");
 * ```
 */
export class McpError extends Error {
  /** The JSON-RPC error code. */
  readonly code: number;
  /** Optional structured data sent as `error.data`. */
  readonly data: unknown;

  /** Creates an error with a JSON-RPC code, a message and optional data. */
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "McpError";
    this.code = code;
    this.data = data;
  }

  /** The JSON-RPC `error` member for this error. */
  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/**
 * Turns anything thrown into a JSON-RPC error object. Unknown errors become
 * -32603 with their message, never their stack.
 */
export function toErrorObject(error: unknown): { code: number; message: string; data?: unknown } {
  if (error instanceof McpError) return error.toJSON();
  if (error instanceof Error) return { code: ErrorCode.InternalError, message: error.message };
  return { code: ErrorCode.InternalError, message: String(error) };
}
