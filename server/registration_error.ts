/**
 * {@link RegistrationError}: why `McpServer` refused a tool, resource, resource
 * template or prompt. Registration fails early, at startup, so the author sees
 * the broken definition instead of clients seeing a broken server.
 *
 * @module
 */

/** What was being registered. */
export type RegistrationKind = "tool" | "resource" | "resourceTemplate" | "prompt";

/**
 * What was wrong with it: the key was taken (`"duplicate"`), the definition is
 * malformed (`"definition"`: no name, no handler …), a tool's name breaks the
 * spec's naming rule under `strictToolNames` (`"name"`), or a part failed to parse:
 * the tool's `"inputSchema"` or `"outputSchema"`, or the template's `"uriTemplate"`.
 */
export type RegistrationProblem =
  | "duplicate"
  | "definition"
  | "name"
  | "inputSchema"
  | "outputSchema"
  | "uriTemplate";

/** Fields of a {@link RegistrationError}. */
export interface RegistrationErrorInit {
  /** What was being registered. */
  kind: RegistrationKind;
  /** Its key: the tool or prompt name, the resource URI, or the URI template. */
  key: string;
  /** What was wrong with it. */
  problem: RegistrationProblem;
  /** The reason, read after the subject: `is already registered`. */
  detail: string;
  /** The underlying error, such as the `SchemaError` that locates a broken schema. */
  cause?: unknown;
}

const SUBJECT: { readonly [kind in RegistrationKind]: string } = {
  tool: "Tool",
  resource: "Resource",
  resourceTemplate: "Resource template",
  prompt: "Prompt",
};

/**
 * A definition `McpServer` refused to register. `cause` keeps the underlying
 * error: a `SchemaError` (with its `schemaPath`) for a broken schema, a
 * `TypeError` for something that is no schema, a `SyntaxError` for a
 * malformed URI template.
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * import { RegistrationError } from "./registration_error.ts";
 * import { SchemaError } from "../schema/mod.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * try {
 *   server.tool({ name: "bad", input: { type: "string" }, handler: () => "" });
 * } catch (error) {
 *   if (error instanceof RegistrationError && error.cause instanceof SchemaError) {
 *     console.log(error.kind, error.key, error.problem, error.cause.schemaPath); // tool bad inputSchema #/type
 *   }
 * }
 * ```
 */
export class RegistrationError extends Error {
  /** What was being registered. */
  readonly kind: RegistrationKind;
  /** Its key: the tool or prompt name, the resource URI, or the URI template. */
  readonly key: string;
  /** What was wrong with it. */
  readonly problem: RegistrationProblem;

  /** Builds the error; the message names the subject, its key and `detail`. */
  constructor(init: RegistrationErrorInit) {
    const message = `${SUBJECT[init.kind]} "${init.key}" ${init.detail}`;
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "RegistrationError";
    this.kind = init.kind;
    this.key = init.key;
    this.problem = init.problem;
  }
}
