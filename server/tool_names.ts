/**
 * The spec's rule for tool names (2025-11-25, "Tool names"): 1–128 characters,
 * only A–Z a–z 0–9 `_` `-` `.`, case-sensitive. It is a SHOULD, so a name that
 * breaks it is registered with a warning (once per name) unless the server's
 * `strictToolNames` option asks for a {@link RegistrationError} instead.
 *
 * @module
 */
import type { ServerOptions } from "./options.ts";
import { RegistrationError } from "./registration_error.ts";

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** The rule, as warnings and errors quote it. */
export const TOOL_NAME_RULE = "1–128 characters of A-Z a-z 0-9 _ - . only";

/** How one server treats tool names that break the rule. */
export interface ToolNamePolicy {
  /** Refuse them (`strictToolNames`) rather than warn. */
  readonly strict: boolean;
  /** Where warnings go (`onWarning`, default `console.warn`). */
  readonly warn: (message: string) => void;
  /** Names already warned about, so re-registering one does not warn again. */
  readonly warned: Set<string>;
}

/**
 * Whether `name` follows the spec's tool-name rule.
 *
 * @example
 * ```ts
 * import { isValidToolName } from "./tool_names.ts";
 * isValidToolName("admin.tools.list"); // true
 * isValidToolName("get user"); // false
 * ```
 */
export function isValidToolName(name: string): boolean {
  return TOOL_NAME.test(name);
}

/** The tool-name policy of a server built with `options`. */
export function createToolNamePolicy(options: ServerOptions): ToolNamePolicy {
  return {
    strict: options.strictToolNames === true,
    warn: options.onWarning ?? ((message: string) => console.warn(`[emcee] ${message}`)),
    warned: new Set(),
  };
}

/** Warns about, or under `strict` refuses, a tool `name` that breaks the rule. */
export function checkToolName(policy: ToolNamePolicy, name: string): void {
  if (isValidToolName(name)) return;
  const detail = `breaks the MCP tool-name rule (${TOOL_NAME_RULE})`;
  if (policy.strict) {
    throw new RegistrationError({ kind: "tool", key: name, problem: "name", detail });
  }
  if (policy.warned.has(name)) return;
  policy.warned.add(name);
  policy.warn(
    `Tool ${JSON.stringify(name)} ${detail}; clients may refuse or rename it. ` +
      "Set strictToolNames to refuse such names.",
  );
}
