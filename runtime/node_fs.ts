/**
 * The file-system primitives over `node:fs`, for Node and Bun. The modules are imported on the
 * first call, so loading this on an edge runtime never fails.
 *
 * @module
 */
import {
  type DirectoryEntry,
  type FileStat,
  type FileSystemPort,
  isWindows,
  type NativeWatcher,
  type NativeWatchEvent,
} from "./file_system.ts";
import { watchNodePaths } from "./node_watch.ts";

interface NodeStats {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  size: number;
  mtimeMs: number;
  mode: number;
}

interface NodeDirent {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

interface NodeFileHandle {
  chmod(mode: number): Promise<void>;
  writeFile(data: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** The subset of `node:fs/promises` used here. */
interface NodeFsPromisesLike {
  /** Reads a file as text. */
  readFile(path: string, encoding: "utf8"): Promise<string>;
  /** Reads a file's bytes. */
  readFile(path: string): Promise<Uint8Array>;
  /** Opens a file. */
  open(path: string, flags: string, mode: number): Promise<NodeFileHandle>;
  /** Renames a path. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a path. */
  rm(path: string, options: { recursive: boolean }): Promise<void>;
  /** Creates a directory. */
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  /** Describes a path, following links. */
  stat(path: string): Promise<NodeStats>;
  /** Lists a directory. */
  readdir(path: string, options: { withFileTypes: true }): Promise<NodeDirent[]>;
  /** Resolves links. */
  realpath(path: string): Promise<string>;
}

let fsPromises: Promise<NodeFsPromisesLike> | undefined;

function nodeFs(): Promise<NodeFsPromisesLike> {
  fsPromises ??= import("node:fs/promises") as unknown as Promise<NodeFsPromisesLike>;
  return fsPromises;
}

/** The `FileSystemPort` over `node:fs`; `cwd` reads the runtime's working directory. */
export function createNodeFileSystem(cwd: () => string): FileSystemPort {
  return {
    readText: async (path: string): Promise<string> => (await nodeFs()).readFile(path, "utf8"),
    async readBytes(path: string): Promise<Uint8Array> {
      const buffer = await (await nodeFs()).readFile(path);
      // A Buffer is a Uint8Array view; hand out a plain one over the same bytes.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
    async write(path, data, options): Promise<void> {
      const fs = await nodeFs();
      const handle = await fs.open(path, options.exclusive ? "wx" : "w", options.mode ?? 0o666);
      try {
        // The mode given at creation only applies to new files (and is masked by the umask);
        // set it before writing so an existing file never holds the new content too openly.
        if (options.mode !== undefined && !isWindows) await handle.chmod(options.mode);
        // Strings are written as UTF-8, Node's default.
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
    },
    rename: async (from: string, to: string): Promise<void> => (await nodeFs()).rename(from, to),
    remove: async (path: string, recursive: boolean): Promise<void> =>
      (await nodeFs()).rm(path, { recursive }),
    async makeDirectory(path: string, recursive: boolean): Promise<void> {
      await (await nodeFs()).mkdir(path, { recursive });
    },
    async stat(path: string): Promise<FileStat> {
      const stats = await (await nodeFs()).stat(path);
      return {
        isFile: stats.isFile(),
        isDirectory: stats.isDirectory(),
        isSymlink: stats.isSymbolicLink(),
        size: stats.size,
        modifiedMs: stats.mtimeMs,
        mode: isWindows ? undefined : stats.mode & 0o7777,
      };
    },
    async readDirectory(path: string): Promise<DirectoryEntry[]> {
      const entries = await (await nodeFs()).readdir(path, { withFileTypes: true });
      return entries.map((entry) => ({
        name: entry.name,
        isFile: entry.isFile(),
        isDirectory: entry.isDirectory(),
        isSymlink: entry.isSymbolicLink(),
      }));
    },
    realPath: async (path: string): Promise<string> => (await nodeFs()).realpath(path),
    currentDirectory: cwd,
    watch: (
      paths: string[],
      onEvent: (event: NativeWatchEvent) => void,
      onError: (error: unknown) => void,
    ): Promise<NativeWatcher> => watchNodePaths(paths, onEvent, onError),
  };
}
