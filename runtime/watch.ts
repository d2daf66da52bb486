/**
 * Watching files and directories for changes, batched: `Deno.watchFs` on Deno, `fs.watch` on
 * Node and Bun (recursive where the platform has it, one watcher per directory otherwise).
 *
 * @module
 */
import { currentAdapter } from "./adapter.ts";
import {
  fileSystemError,
  isNotFound,
  type NativeWatcher,
  type NativeWatchEvent,
} from "./file_system.ts";
import { resolvePath } from "./path.ts";
import { backgroundTimeout, type BackgroundTimer } from "./timers.ts";

/** What happened to a path. `"any"` when the platform could not say. */
export type FileChangeKind = "create" | "modify" | "remove" | "any";

/** One changed path in a batch. */
export interface FileChange {
  /** The absolute path that changed. */
  path: string;
  /** What happened to it. */
  kind: FileChangeKind;
}

/** Options for {@linkcode watchPaths}. */
export interface WatchPathsOptions {
  /** Aborting it stops watching; nothing is delivered, and nothing holds the process, after. */
  signal: AbortSignal;
  /**
   * How long the paths must be quiet before a batch is delivered, in milliseconds; 50 by
   * default. A batch is delivered after at most ten times this even if changes keep coming.
   */
  debounceMs?: number;
  /**
   * Receives errors: the watcher failing, or `onChange` throwing. Defaults to `console.error`;
   * watching goes on either way.
   */
  onError?: (error: unknown) => void;
}

type PendingKind = NativeWatchEvent["kind"];

/**
 * The kind two events for one path within a batch add up to: a file created then written is
 * still new, one removed then created again (an editor's atomic save) was modified, and a
 * `rename` is settled when the batch is delivered, by looking at the path.
 */
function mergeChangeKinds(previous: PendingKind | undefined, next: PendingKind): PendingKind {
  if (previous === "create" && next === "modify") return "create";
  if (previous === "rename" && next === "modify") return "rename";
  if (previous === "remove" && next === "create") return "modify";
  return next;
}

async function settle(path: string, kind: PendingKind): Promise<FileChange> {
  if (kind !== "rename") return { path, kind };
  try {
    await currentAdapter.files.stat(path);
    return { path, kind: "create" };
  } catch (error) {
    return { path, kind: isNotFound(error) ? "remove" : "any" };
  }
}

interface Batcher {
  add(event: NativeWatchEvent): void;
  stop(): void;
}

function createBatcher(
  debounceMs: number,
  deliver: (changes: FileChange[]) => void,
): Batcher {
  let pending = new Map<string, PendingKind>();
  let firstAt = 0;
  let timer: BackgroundTimer | undefined;
  let stopped = false;
  let delivering = Promise.resolve();

  const flush = (): void => {
    timer = undefined;
    const batch = pending;
    pending = new Map();
    // Chained, so that batches arrive in order even when settling one takes a while.
    delivering = delivering.then(async () => {
      const changes = await Promise.all([...batch].map(([path, kind]) => settle(path, kind)));
      if (!stopped && changes.length > 0) deliver(changes);
    });
  };

  return {
    add(event: NativeWatchEvent): void {
      if (stopped) return;
      const now = Date.now();
      if (pending.size === 0) firstAt = now;
      pending.set(event.path, mergeChangeKinds(pending.get(event.path), event.kind));
      if (timer !== undefined) clearTimeout(timer);
      const wait = Math.min(debounceMs, firstAt + debounceMs * 10 - now);
      timer = backgroundTimeout(flush, Math.max(0, wait));
    },
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      pending.clear();
    },
  };
}

/**
 * Watches `paths` (directories with everything below them) and calls `onChange` with batches
 * of changes. Resolves once the watcher is active, so a change made right after is seen;
 * rejects with a `FileSystemError` if a path cannot be watched (a `FileNotFoundError` if it
 * does not exist). Reported paths are absolute.
 *
 * Kinds are best effort and differ between platforms (one platform reports a rename where
 * another reports a removal and a creation); treat them as hints and re-read the paths.
 *
 * @example
 * ```ts
 * import { watchPaths } from "./watch.ts";
 * const stop = new AbortController();
 * await watchPaths(["tools"], (changes) => {
 *   for (const { path, kind } of changes) console.error(`${kind}: ${path}`);
 * }, { signal: stop.signal });
 * // … later:
 * stop.abort();
 * ```
 */
export async function watchPaths(
  paths: string[],
  onChange: (changes: FileChange[]) => void,
  options: WatchPathsOptions,
): Promise<void> {
  const { signal } = options;
  signal.throwIfAborted();
  const onError = options.onError ?? console.error;
  const absolute = paths.map((path) => resolvePath(path));
  const batcher = createBatcher(options.debounceMs ?? 50, (changes) => {
    try {
      onChange(changes);
    } catch (error) {
      onError(error);
    }
  });
  let watcher: NativeWatcher;
  try {
    watcher = await currentAdapter.files.watch(absolute, batcher.add, (error) => {
      if (!signal.aborted) onError(error);
    });
  } catch (error) {
    throw fileSystemError("watch", absolute.join(", "), error);
  }
  const stop = (): void => {
    batcher.stop();
    watcher.close();
  };
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
}
