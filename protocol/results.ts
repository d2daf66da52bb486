/**
 * Shapes shared by many results: a page of a list method, and the caching
 * hints of cacheable results (2026-07-28).
 *
 * @module
 */

/** One page of a list method's results. */
export interface Page<T> {
  /** Items of this page. */
  items: T[];
  /** Cursor for the next page, when there is one. */
  nextCursor?: string;
}

/** Caching hints on cacheable results (2026-07-28). */
export interface CacheHints {
  /** Freshness in milliseconds. */
  ttlMs: number;
  /** Who may cache. */
  cacheScope: "public" | "private";
}
