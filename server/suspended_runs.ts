/**
 * The handler runs a server keeps suspended between multi round-trip rounds
 * (2026-07-28), keyed by the id sealed into the `requestState` it issued. A
 * retry that reaches this process takes its run back and resumes it; a run
 * that is evicted (the table is full) or expires (the state's lifetime) is
 * aborted, and its retry falls back to replaying the handler.
 *
 * @module
 */
import { backgroundTimeout, type BackgroundTimer } from "../runtime/timers.ts";

/** A run waiting for its retry. */
export interface SuspendedRun {
  /** Ends the run: its signal aborts with `reason`, its waiting input requests reject. */
  abort(reason: unknown): void;
}

/** The table of suspended runs of one server. */
export interface SuspendedRuns<Run extends SuspendedRun = SuspendedRun> {
  /**
   * Keeps `run` under `id` for `ttlMs`, evicting (and aborting) the oldest
   * when full. `binding` is what its state is bound to (method, request
   * digest, principal): only a retry with the same may take it back.
   */
  park(id: string, run: Run, binding: string, ttlMs: number): void;
  /** Takes the run under `id` out of the table, if it is there and bound to `binding`. */
  take(id: string, binding: string): Run | undefined;
  /** How many runs are kept. */
  readonly size: number;
  /** Aborts every kept run. */
  clear(reason?: unknown): void;
}

/** The default bound of {@link createSuspendedRuns}. */
export const DEFAULT_MAX_SUSPENDED_RUNS = 1000;

/**
 * Creates a table holding at most `max` runs (0 keeps none: every retry replays).
 *
 * @example
 * ```ts
 * import { createSuspendedRuns } from "./suspended_runs.ts";
 * const runs = createSuspendedRuns(2);
 * runs.park("a", { abort: (reason) => console.log("aborted", reason) }, "b", 60_000);
 * console.log(runs.take("a", "b") !== undefined); // true
 * ```
 */
export function createSuspendedRuns<Run extends SuspendedRun = SuspendedRun>(
  max: number = DEFAULT_MAX_SUSPENDED_RUNS,
): SuspendedRuns<Run> {
  // A Map iterates in insertion order: the first entry is the oldest.
  const entries = new Map<string, { run: Run; binding: string; timer: BackgroundTimer }>();
  const drop = (id: string, reason: unknown) => {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    clearTimeout(entry.timer);
    entry.run.abort(reason);
  };
  return {
    park(id, run, binding, ttlMs) {
      if (max <= 0) {
        run.abort(abortReason("no suspended runs are kept"));
        return;
      }
      drop(id, abortReason("replaced"));
      while (entries.size >= max) {
        drop(entries.keys().next().value!, abortReason("evicted by newer suspended runs"));
      }
      // The state was sealed just before this, so it expires by `deadline`; a run is only
      // ended once its state can no longer open (a timer may fire a millisecond early).
      const deadline = Date.now() + ttlMs;
      const expire = (): void => {
        const left = deadline - Date.now();
        if (left >= 0) {
          const entry = entries.get(id);
          if (entry?.run === run) entry.timer = backgroundTimeout(expire, left + 1);
          return;
        }
        drop(id, abortReason("the client did not retry in time"));
      };
      entries.set(id, { run, binding, timer: backgroundTimeout(expire, ttlMs + 1) });
    },
    take(id, binding) {
      const entry = entries.get(id);
      // A run is only given to the principal and request it was bound to; others leave it be.
      if (!entry || entry.binding !== binding) return undefined;
      entries.delete(id);
      clearTimeout(entry.timer);
      return entry.run;
    },
    get size() {
      return entries.size;
    },
    clear(reason = abortReason("the server closed")) {
      for (const id of [...entries.keys()]) drop(id, reason);
    },
  };
}

function abortReason(message: string): DOMException {
  return new DOMException(`Suspended handler run ended: ${message}`, "AbortError");
}

/** A fresh, unguessable id for one round's state. */
export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}
