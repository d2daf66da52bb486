/**
 * Errors the client raises besides protocol errors (`McpError`): a tool that
 * reported failure, and local client-side conditions.
 *
 * @module
 */
import { McpError } from "../protocol/errors.ts";
import type { CallToolResult } from "../protocol/types.ts";

/**
 * A tool ran and reported failure (`isError: true`). The raw result is kept so
 * the caller can show the model what went wrong.
 *
 * @example
 * ```ts
 * import { ToolError } from "./errors.ts";
 * import type { McpClient } from "./client.ts";
 * declare const client: McpClient;
 * try {
 *   await client.callToolContent("deploy", {});
 * } catch (error) {
 *   if (error instanceof ToolError) console.log(error.result.content);
 * }
 * ```
 */
export class ToolError extends Error {
  /** The tool's name. */
  readonly tool: string;
  /** The full result the server returned. */
  readonly result: CallToolResult;

  /** Creates the error from the tool name and its failed result. */
  constructor(tool: string, result: CallToolResult) {
    super(`Tool ${tool} failed: ${describeContent(result)}`);
    this.name = "ToolError";
    this.tool = tool;
    this.result = result;
  }
}

/**
 * A condition detected by the client itself: a missing handler for a server
 * request, a server answer that breaks the protocol, too many input rounds.
 * It carries a JSON-RPC-style code so callers can handle all errors alike.
 */
export class ClientError extends McpError {
  /** Creates a client-side error. */
  constructor(code: number, message: string, data?: unknown) {
    super(code, message, data);
    this.name = "ClientError";
  }
}

function describeContent(result: CallToolResult): string {
  const texts = (Array.isArray(result.content) ? result.content : [])
    .map((block) => (block && block.type === "text" ? block.text : ""))
    .filter((text) => text !== "");
  return texts.length > 0 ? texts.join(" ").slice(0, 500) : "no error text";
}
