/**
 * Path helpers that need no `node:path`, so that code shared by every runtime can join and
 * resolve paths. They follow the conventions of the operating system the process runs on:
 * `/` on POSIX; on Windows `\` (with `/` accepted as well), drive letters and UNC shares.
 *
 * @module
 */
import { currentAdapter } from "./adapter.ts";
import { isWindows } from "./file_system.ts";

/** The separator paths are built with: `\` on Windows, `/` elsewhere. */
export const pathSeparator: "/" | "\\" = isWindows ? "\\" : "/";

interface ParsedPath {
  /** `"/"`, `"C:\"`, `"\\server\share\"`, `"C:"` (drive-relative), or `""` (relative). */
  root: string;
  segments: string[];
}

const WINDOWS_UNC = /^\\\\[^\\]+\\[^\\]+(\\|$)/;
const WINDOWS_DRIVE = /^[A-Za-z]:(\\)?/;

function splitRoot(path: string, windows: boolean): { root: string; rest: string } {
  if (!windows) {
    return path.startsWith("/") ? { root: "/", rest: path } : { root: "", rest: path };
  }
  const unified = path.replaceAll("/", "\\");
  const unc = WINDOWS_UNC.exec(unified);
  if (unc !== null) {
    const root = unc[0].endsWith("\\") ? unc[0] : `${unc[0]}\\`;
    return { root, rest: unified.slice(unc[0].length) };
  }
  const drive = WINDOWS_DRIVE.exec(unified);
  if (drive !== null) {
    return { root: drive[0].toUpperCase(), rest: unified.slice(drive[0].length) };
  }
  return unified.startsWith("\\") ? { root: "\\", rest: unified } : { root: "", rest: unified };
}

/** Splits and normalises: no empty or `.` segments, and `..` folded where it can be. */
function parse(path: string, windows: boolean): ParsedPath {
  const { root, rest } = splitRoot(path, windows);
  const absolute = root.endsWith("/") || root.endsWith("\\");
  const segments: string[] = [];
  for (const segment of rest.split(windows ? "\\" : "/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") segments.push(segment);
    else if (segments.length > 0 && segments.at(-1) !== "..") segments.pop();
    else if (!absolute) segments.push(segment); // above the root is the root itself
  }
  return { root, segments };
}

function format(parsed: ParsedPath, separator: string): string {
  const body = parsed.segments.join(separator);
  if (parsed.root === "") return body === "" ? "." : body;
  return parsed.root + body;
}

/** Path operations under one platform's conventions. */
export interface PathConventions {
  /** `\` on Windows, `/` elsewhere. */
  readonly separator: "/" | "\\";
  /** See {@linkcode joinPath}. */
  join(...parts: string[]): string;
  /** See {@linkcode isAbsolutePath}. */
  isAbsolute(path: string): boolean;
  /** See {@linkcode resolvePath}; `base` is the directory relative paths start from. */
  resolve(base: string, ...parts: string[]): string;
  /** See {@linkcode parentDirectory}. */
  parent(path: string): string;
  /** See {@linkcode baseName}. */
  base(path: string): string;
}

/**
 * The path operations of Windows (`true`) or POSIX (`false`), whichever the process runs on;
 * the functions below use the running platform's.
 *
 * @example
 * ```ts
 * import { pathConventions } from "./path.ts";
 * pathConventions(true).join("C:/Users", "me"); // "C:\\Users\\me"
 * ```
 */
export function pathConventions(windows: boolean): PathConventions {
  const separator = windows ? "\\" : "/";
  const join = (...parts: string[]): string => {
    const nonEmpty = parts.filter((part) => part !== "");
    if (nonEmpty.length === 0) return ".";
    return format(parse(nonEmpty.join(separator), windows), separator);
  };
  const isAbsolute = (path: string): boolean => {
    const { root } = splitRoot(path, windows);
    return root.endsWith("/") || root.endsWith("\\");
  };
  return {
    separator,
    join,
    isAbsolute,
    resolve(base: string, ...parts: string[]): string {
      const taken: string[] = [];
      for (let index = parts.length - 1; index >= 0; index--) {
        if (parts[index] === "") continue;
        taken.unshift(parts[index]);
        if (isAbsolute(parts[index])) return join(...taken);
      }
      return join(base, ...taken);
    },
    parent(path: string): string {
      const parsed = parse(path, windows);
      if (parsed.segments.length === 0) return format(parsed, separator);
      if (parsed.segments.at(-1) === "..") return join(path, "..");
      return format({ root: parsed.root, segments: parsed.segments.slice(0, -1) }, separator);
    },
    base: (path: string): string => parse(path, windows).segments.at(-1) ?? "",
  };
}

const native = pathConventions(isWindows);

/**
 * Joins `parts` with the platform's separator and normalises the result (`.` and `..` folded,
 * repeated separators collapsed). Empty parts are ignored.
 *
 * @example
 * ```ts
 * import { joinPath } from "./path.ts";
 * joinPath("tools", "weather", "../index.ts"); // "tools/index.ts" on POSIX
 * ```
 */
export function joinPath(...parts: string[]): string {
  return native.join(...parts);
}

/**
 * Whether `path` is absolute: starts at `/` on POSIX, or at a drive root (`C:\`), a UNC share
 * or `\` on Windows.
 *
 * @example
 * ```ts
 * import { isAbsolutePath } from "./path.ts";
 * isAbsolutePath("/etc/hosts"); // true on POSIX
 * ```
 */
export function isAbsolutePath(path: string): boolean {
  return native.isAbsolute(path);
}

/**
 * An absolute, normalised path: `parts` joined right to left until one is absolute, on top of
 * the current directory.
 *
 * @example
 * ```ts
 * import { resolvePath } from "./path.ts";
 * const config = resolvePath("config", "emcee.json"); // <cwd>/config/emcee.json
 * ```
 */
export function resolvePath(...parts: string[]): string {
  // The working directory is read only when needed: it fails on an edge runtime.
  return parts.some((part) => native.isAbsolute(part))
    ? native.resolve("", ...parts)
    : native.resolve(currentAdapter.files.currentDirectory(), ...parts);
}

/**
 * The directory containing `path`: `"."` for a bare name, the root for the root itself.
 *
 * @example
 * ```ts
 * import { parentDirectory } from "./path.ts";
 * parentDirectory("/home/me/.emcee/token"); // "/home/me/.emcee" on POSIX
 * ```
 */
export function parentDirectory(path: string): string {
  return native.parent(path);
}

/**
 * The last segment of `path`, or `""` for a root.
 *
 * @example
 * ```ts
 * import { baseName } from "./path.ts";
 * baseName("tools/weather.ts"); // "weather.ts"
 * ```
 */
export function baseName(path: string): string {
  return native.base(path);
}
