/**
 * Watching over `node:fs`, for Node and Bun: `fs.watch` with `recursive: true` where the
 * platform has it (Node >= 20 on Linux, macOS and Windows; Bun), otherwise one watcher per
 * directory, added as directories appear.
 *
 * @module
 */
import { errorCode, isWindows, type NativeWatcher, type NativeWatchEvent } from "./file_system.ts";

interface NodeFsWatcherLike {
  on(event: "error", listener: (error: unknown) => void): unknown;
  close(): void;
}

type NodeWatchListener = (eventType: string, filename: string | Uint8Array | null) => void;

interface NodeStatsLike {
  isDirectory(): boolean;
}

interface NodeDirentLike {
  name: string;
  isDirectory(): boolean;
}

/** The subset of `node:fs` used for watching. */
interface NodeFsWatchModule {
  watch(
    path: string,
    options: { recursive: boolean; persistent: boolean },
    listener: NodeWatchListener,
  ): NodeFsWatcherLike;
  promises: {
    stat(path: string): Promise<NodeStatsLike>;
    readdir(path: string, options: { withFileTypes: true }): Promise<NodeDirentLike[]>;
  };
}

/** Options for {@linkcode watchNodePaths}. */
export interface NodeWatchOptions {
  /** `false` forces one watcher per directory even where recursive watching exists. */
  recursive?: boolean;
}

const separator = isWindows ? "\\" : "/";
const decoder = new TextDecoder();

function childPath(directory: string, filename: string | Uint8Array): string {
  const name = typeof filename === "string" ? filename : decoder.decode(filename);
  return directory.endsWith(separator) ? directory + name : directory + separator + name;
}

function eventFor(
  base: string,
  isDirectory: boolean,
  eventType: string,
  filename: string | Uint8Array | null,
): NativeWatchEvent {
  const path = isDirectory && filename !== null ? childPath(base, filename) : base;
  if (filename === null && isDirectory) return { path, kind: "any" };
  return { path, kind: eventType === "change" ? "modify" : "rename" };
}

/**
 * Watches the absolute `paths`: directories with everything below them, files by themselves.
 * Resolves once every watcher is set up; rejects (with nothing left running) if a path cannot
 * be watched.
 */
export async function watchNodePaths(
  paths: string[],
  onEvent: (event: NativeWatchEvent) => void,
  onError: (error: unknown) => void,
  options: NodeWatchOptions = {},
): Promise<NativeWatcher> {
  const fs = (await import("node:fs")) as unknown as NodeFsWatchModule;
  const watchers = new Map<string, NodeFsWatcherLike>();
  let closed = false;
  const close = (): void => {
    closed = true;
    for (const watcher of watchers.values()) {
      try {
        watcher.close();
      } catch {
        // Already closed by the runtime (its directory went away).
      }
    }
    watchers.clear();
  };

  const start = (path: string, recursive: boolean, listener: NodeWatchListener): void => {
    const watcher = fs.watch(path, { recursive, persistent: true }, listener);
    watchers.set(path, watcher);
    watcher.on("error", (error) => {
      // A watched directory that disappears ends its watcher; its parent reports the removal.
      const code = errorCode(error);
      if (!recursive && (code === "ENOENT" || code === "EPERM")) {
        watchers.delete(path);
        watcher.close();
      } else if (!closed) {
        onError(error);
      }
    });
  };

  const watchTree = async (directory: string, announce: boolean): Promise<void> => {
    if (closed || watchers.has(directory)) return;
    start(directory, false, (eventType, filename) => {
      if (closed) return;
      const event = eventFor(directory, true, eventType, filename);
      onEvent(event);
      if (event.kind === "rename") {
        // A new subdirectory needs a watcher of its own; what it already holds is announced.
        void fs.promises.stat(event.path).then(
          (stats) => (stats.isDirectory() ? watchTree(event.path, true) : undefined),
        ).catch((error) => {
          if (errorCode(error) !== "ENOENT" && !closed) onError(error);
        });
      }
    });
    for (const entry of await fs.promises.readdir(directory, { withFileTypes: true })) {
      const path = childPath(directory, entry.name);
      if (announce) onEvent({ path, kind: "create" });
      if (entry.isDirectory()) await watchTree(path, announce);
    }
  };

  try {
    for (const path of paths) {
      const isDirectory = (await fs.promises.stat(path)).isDirectory();
      const listener: NodeWatchListener = (eventType, filename) => {
        if (!closed) onEvent(eventFor(path, isDirectory, eventType, filename));
      };
      if (!isDirectory) start(path, false, listener);
      else if (options.recursive === false || !startRecursive(start, path, listener)) {
        await watchTree(path, false);
      }
    }
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}

/** Starts a recursive watcher; `false` if the platform has none. */
function startRecursive(
  start: (path: string, recursive: boolean, listener: NodeWatchListener) => void,
  path: string,
  listener: NodeWatchListener,
): boolean {
  try {
    start(path, true, listener);
    return true;
  } catch (error) {
    if (errorCode(error) === "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM") return false;
    throw error;
  }
}
