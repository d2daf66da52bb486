/**
 * Cursor pagination for list methods. Cursors are opaque to clients; ours
 * encode an offset and are validated on the way back in.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { Page } from "../protocol/mod.ts";

/**
 * Slices `items` at `cursor`. An unknown or malformed cursor is -32602.
 *
 * @example
 * ```ts
 * import { paginate } from "./pagination.ts";
 * const first = paginate(["a", "b", "c"], undefined, 2); // { items: ["a","b"], nextCursor }
 * ```
 */
export function paginate<T>(items: readonly T[], cursor: unknown, pageSize: number): Page<T> {
  let start = 0;
  if (cursor !== undefined && cursor !== null) {
    const match = typeof cursor === "string" ? /^o(\d+)$/.exec(cursor) : null;
    start = match ? Number(match[1]) : -1;
    if (start < 0 || start > items.length) {
      throw new McpError(ErrorCode.InvalidParams, "Invalid pagination cursor");
    }
  }
  const end = Math.min(start + pageSize, items.length);
  const page: Page<T> = {
    items: start === 0 && end === items.length ? items as T[] : items.slice(start, end),
  };
  if (end < items.length) page.nextCursor = `o${end}`;
  return page;
}
