/**
 * Tools: their definitions as `tools/list` returns them and the result of
 * `tools/call`.
 *
 * @module
 */
import type { ContentBlock } from "./content.ts";
import type { Icon } from "./icon.ts";
import type { JsonObject } from "./jsonrpc.ts";
import type { Meta } from "./meta.ts";

/** Hints about a tool's behaviour. */
export interface ToolAnnotations {
  /** Display title. */
  title?: string;
  /** The tool does not modify its environment. */
  readOnlyHint?: boolean;
  /** The tool may perform destructive updates. */
  destructiveHint?: boolean;
  /** Calling again with the same arguments has no further effect. */
  idempotentHint?: boolean;
  /** The tool interacts with an open world of external entities. */
  openWorldHint?: boolean;
}

/** A tool definition as listed by `tools/list`. */
export interface Tool {
  /** Unique name. */
  name: string;
  /** Display title. */
  title?: string;
  /** What the tool does. */
  description?: string;
  /** JSON Schema of the arguments. */
  inputSchema: JsonObject;
  /** JSON Schema of `structuredContent`. */
  outputSchema?: JsonObject;
  /** Behaviour hints. */
  annotations?: ToolAnnotations;
  /** Icons. */
  icons?: Icon[];
  /** Task support (legacy 2025-11-25 `execution.taskSupport`). */
  execution?: { taskSupport?: "forbidden" | "optional" | "required" };
  /** Metadata. */
  _meta?: Meta;
}

/** The result of `tools/call`. */
export interface CallToolResult {
  /** Unstructured content for the model. */
  content: ContentBlock[];
  /** Structured content matching the output schema. */
  structuredContent?: unknown;
  /** Whether the tool failed (the model can read why). */
  isError?: boolean;
  /** Metadata. */
  _meta?: Meta;
}
