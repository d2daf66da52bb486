/**
 * Text for a value a client sent, for error messages. `String(value)` throws
 * on `{"toString": 1}` or an object without a prototype, which would turn a
 * client's mistake into an internal error; this never throws.
 *
 * @module
 */

const MAX_LENGTH = 200;

/**
 * A short, never-throwing description of an untrusted value: strings as they
 * are, other JSON as (truncated) JSON text.
 *
 * @example
 * ```ts
 * import { describeValue } from "./describe.ts";
 * describeValue({ toString: 1 }); // → '{"toString":1}'
 * describeValue("debug"); // → "debug"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return truncate(value);
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  try {
    const text = JSON.stringify(value);
    if (typeof text === "string") return truncate(text);
  } catch {
    // Deep or cyclic values, or a throwing toJSON: fall through to the type.
  }
  return `a value of type ${typeof value}`;
}

function truncate(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}
