/**
 * emcee: a Model Context Protocol SDK with zero runtime dependencies, built on
 * Web standards, for Deno, Bun and Node. Server, client, transports and schema
 * validation in one module, speaking MCP 2026-07-28 and the legacy line back
 * to 2024-11-05.
 *
 * @example
 * ```ts
 * import { createHttpHandler, McpServer } from "@emcee/mcp";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * server.tool({
 *   name: "add",
 *   description: "Adds two numbers",
 *   input: {
 *     type: "object",
 *     properties: { a: { type: "number" }, b: { type: "number" } },
 *     required: ["a", "b"],
 *   },
 *   handler: ({ a, b }: { a: number; b: number }) => String(a + b),
 * });
 * // Deno.serve({ hostname: "127.0.0.1", port: 3000 }, createHttpHandler(server));
 * ```
 *
 * @module
 */
export * from "./protocol/mod.ts";
export * from "./server/mod.ts";
export * from "./transports/mod.ts";
export * from "./runtime/mod.ts";
export * from "./client/mod.ts";
export * from "./auth/mod.ts";
export {
  compileSchema,
  type Infer,
  isStandardSchema,
  type JsonSchema,
  s,
  SchemaError,
  type StandardSchemaV1,
  type ToolSchema,
  toToolSchema,
  validateSchema,
  type ValidationError,
  type ValidationResult,
  type Validator,
} from "./schema/mod.ts";
