/**
 * `context.once(key, fn)`: a handler's side effect memoised across multi
 * round-trip rounds. A run that is resumed in place never repeats anything;
 * a run that is replayed (its state reached another instance, or the process
 * restarted) gets the results of settled `once` calls back from the signed
 * `requestState` instead of calling `fn` again.
 *
 * @module
 */
import { encodeJson, NotJson } from "./json_value.ts";

/**
 * Settled `once` results by key, as carried in `requestState`: `[value]`, or
 * `[]` for a function that returned `undefined`.
 */
export type MemoSnapshot = { [key: string]: [] | [unknown] };

/**
 * The most JSON (keys and values, UTF-8 bytes) that the settled
 * `context.once` results of one handler call may hold in all: 16 KiB. They
 * travel signed in the 2026-07-28 `requestState` that the client echoes on
 * every retry, so the bound keeps that state small; a result that would pass
 * it rejects its `once` with a `RangeError`. Memoise an id, not the data.
 *
 * @example
 * ```ts
 * import { MAX_MEMO_BYTES } from "./once.ts";
 * const receipt = JSON.stringify({ chargeId: "ch_1" });
 * console.log(new TextEncoder().encode(receipt).length < MAX_MEMO_BYTES); // true
 * ```
 */
export const MAX_MEMO_BYTES = 16 * 1024;

/** The `once` results of one handler run. */
export interface MemoStore {
  /** Runs `fn` the first time `key` is seen in this run or any earlier round of it. */
  once<T>(key: string, fn: () => T | Promise<T>): Promise<T>;
  /** The results settled so far, to seal into the next `requestState`. */
  snapshot(): MemoSnapshot;
}

const encoder = new TextEncoder();

/**
 * A store that starts from the results of earlier rounds (`initial`, from an
 * opened `requestState`). Results must be JSON; the handler receives the JSON
 * copy, so a resumed run and a replayed one see the same value.
 *
 * @example
 * ```ts
 * import { createMemoStore } from "./once.ts";
 * const memos = createMemoStore({ charge: ["ch_1"] });
 * const id = await memos.once("charge", () => "never called");
 * console.log(id); // "ch_1"
 * ```
 */
export function createMemoStore(initial: MemoSnapshot = {}): MemoStore {
  const settled: MemoSnapshot = {};
  let bytes = 0;
  for (const [key, entry] of Object.entries(initial)) {
    settled[key] = entry;
    bytes += sizeOf(key, entry);
  }
  const pending = new Map<string, Promise<unknown>>();

  async function run<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    const value = await fn();
    if (value === undefined) {
      settled[key] = [];
      bytes += sizeOf(key, []);
      return value;
    }
    const json = encodeJson(value);
    if (json instanceof NotJson) {
      throw new TypeError(`context.once("${key}"): the result must be JSON, not ${json.problem}`);
    }
    const size = encoder.encode(JSON.stringify(key)).length + encoder.encode(json).length + 3;
    if (bytes + size > MAX_MEMO_BYTES) {
      throw new RangeError(
        `context.once("${key}"): memoised results are limited to ${MAX_MEMO_BYTES} bytes per ` +
          "request; memoise an id and keep the data elsewhere",
      );
    }
    const copy = JSON.parse(json) as T;
    settled[key] = [copy];
    bytes += size;
    return copy;
  }

  return {
    once<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
      if (Object.hasOwn(settled, key)) return Promise.resolve(settled[key][0] as T);
      let running = pending.get(key);
      if (!running) {
        running = run(key, fn).finally(() => pending.delete(key));
        pending.set(key, running);
      }
      return running as Promise<T>;
    },
    snapshot: () => ({ ...settled }),
  };
}

function sizeOf(key: string, entry: [] | [unknown]): number {
  return encoder.encode(JSON.stringify(key)).length + encoder.encode(JSON.stringify(entry)).length +
    1;
}

/** Reads memos from opened state, dropping anything that is not a memo entry. */
export function memosFrom(value: unknown): MemoSnapshot {
  const memos: MemoSnapshot = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return memos;
  for (const [key, entry] of Object.entries(value)) {
    if (Array.isArray(entry) && entry.length <= 1) memos[key] = entry as [] | [unknown];
  }
  return memos;
}
