/**
 * One way to put validation issues into words, for tool errors, registration
 * errors and client-side checks alike.
 *
 * @module
 */

/** Anything with a JSON Pointer to the failing value and a reason. */
export interface IssueLike {
  /** JSON Pointer of the failing value; empty for the root. */
  readonly path: string;
  /** Why it failed. */
  readonly message: string;
}

/** Options of {@link formatIssues}. */
export interface FormatIssuesOptions {
  /** At most this many issues are spelled out; the rest are counted. Default: all. */
  readonly limit?: number;
}

/**
 * Formats issues as `"/pointer: message; …"`, the root written as `/`.
 *
 * @example
 * ```ts
 * import { formatIssues } from "./issues.ts";
 * formatIssues([{ path: "/city", message: "must be string" }, { path: "", message: "bad" }]);
 * // "/city: must be string; /: bad"
 * formatIssues([{ path: "/a", message: "x" }, { path: "/b", message: "y" }], { limit: 1 });
 * // "/a: x (and 1 more)"
 * ```
 */
export function formatIssues(
  issues: readonly IssueLike[],
  options: FormatIssuesOptions = {},
): string {
  const limit = options.limit ?? issues.length;
  let text = "";
  for (let i = 0; i < issues.length && i < limit; i++) {
    if (i > 0) text += "; ";
    text += `${issues[i].path || "/"}: ${issues[i].message}`;
  }
  return issues.length > limit ? `${text} (and ${issues.length - limit} more)` : text;
}
