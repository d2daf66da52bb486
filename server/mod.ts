/**
 * The MCP server: register tools, resources, templates and prompts on an
 * `McpServer`, then serve it over any transport in both protocol eras.
 *
 * @example
 * ```ts
 * import { McpServer } from "@emcee/mcp/server";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * server.tool({ name: "hello", description: "Greets", handler: () => "Hello!" });
 * ```
 *
 * @module
 */
export * from "./server.ts";
export * from "./context.ts";
export * from "./extension.ts";
export * from "./tasks.ts";
export * from "./pagination.ts";
export * from "./request_state.ts";
export * from "./uri_template.ts";
export type { ResolvedSchema, SchemaCheck, SchemaIssue, ToolArgs } from "./tool_schema.ts";
