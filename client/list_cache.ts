/**
 * Lists and their cache: modern results are kept for their `ttlMs` and
 * dropped when the server says the list changed; pages are followed by
 * cursor, with a bound and a check against a server that repeats a cursor.
 *
 * @module
 */
import { ErrorCode } from "../protocol/errors.ts";
import { isObject, type JsonObject, type JsonRpcNotification } from "../protocol/jsonrpc.ts";
import type { Page } from "../protocol/types.ts";
import { checkListResult } from "./compat.ts";
import { ClientError } from "./errors.ts";
import type { ListOptions } from "./options.ts";
import { request } from "./request.ts";
import type { ClientState } from "./state.ts";

/** A cached result and how long it stays fresh. */
export interface CacheEntry {
  /** The result as received. */
  result: JsonObject;
  /** `Date.now()` until which it may be reused. */
  freshUntil: number;
  /** The server's `cacheScope` ("private" when it gave none). */
  scope: string;
}

/** One page of raw list items. */
export interface RawPage {
  /** The page's objects (anything else in the list is skipped). */
  items: JsonObject[];
  /** The cursor of the next page, when there is one. */
  nextCursor?: string;
}

const LIST_CHANGED: Record<string, string[]> = {
  "notifications/tools/list_changed": ["tools/list"],
  "notifications/prompts/list_changed": ["prompts/list"],
  "notifications/resources/list_changed": ["resources/list", "resources/templates/list"],
};

const MAX_PAGES = 10_000;

/** A request whose complete modern result is reused for its `ttlMs` (unless `options.fresh`). */
export async function cachedRequest(
  state: ClientState,
  method: string,
  params: JsonObject,
  options: ListOptions,
): Promise<JsonObject> {
  const key = `${method} ${JSON.stringify(params)}`;
  const useCache = state.era === "modern";
  if (useCache && !options.fresh) {
    const hit = state.cache.get(key);
    if (hit && Date.now() < hit.freshUntil) return hit.result;
  }
  const result = await request(state, method, params, options);
  const ttl = typeof result.ttlMs === "number" && Number.isFinite(result.ttlMs) ? result.ttlMs : 0;
  if (useCache && ttl > 0 && (result.resultType ?? "complete") === "complete") {
    state.cache.set(key, {
      result,
      freshUntil: Date.now() + ttl,
      scope: String(result.cacheScope ?? "private"),
    });
  } else {
    state.cache.delete(key);
  }
  return result;
}

/** One page of a list method: the objects in `field`, and the next cursor. */
export async function listPage(
  state: ClientState,
  method: string,
  field: string,
  cursor: string | undefined,
  options: ListOptions,
): Promise<RawPage> {
  const params: JsonObject = cursor === undefined ? {} : { cursor };
  const result = await cachedRequest(state, method, params, options);
  checkListResult(state, method, field, result);
  const items = Array.isArray(result[field]) ? (result[field] as unknown[]).filter(isObject) : [];
  const next = typeof result.nextCursor === "string" && result.nextCursor !== ""
    ? result.nextCursor
    : undefined;
  return next === undefined ? { items } : { items, nextCursor: next };
}

/** Every item of a list, following cursors; a repeated cursor or endless pages are errors. */
export async function listAll<T>(
  pageOf: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await pageOf(cursor);
    items.push(...page.items);
    if (page.nextCursor === undefined) return items;
    if (seen.has(page.nextCursor)) {
      throw new ClientError(
        ErrorCode.InternalError,
        `The server repeated cursor ${page.nextCursor}`,
      );
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
  throw new ClientError(ErrorCode.InternalError, "The server returned too many pages");
}

/** Drops the cached lists a `notifications/…/list_changed` makes stale. */
export function invalidateLists(state: ClientState, notification: JsonRpcNotification): void {
  const prefixes = LIST_CHANGED[notification.method];
  if (!prefixes) return;
  for (const key of [...state.cache.keys()]) {
    if (prefixes.some((prefix) => key.startsWith(`${prefix} `))) state.cache.delete(key);
  }
}
