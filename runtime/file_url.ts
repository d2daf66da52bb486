/**
 * Converting between absolute paths and `file:` URLs, on POSIX and Windows, without
 * `node:url`: what `import()` of a path and `new URL("./x", import.meta.url)` need.
 *
 * @module
 */
import { isWindows } from "./file_system.ts";

/**
 * The `file:` URL of an absolute path (`C:\x` and `\\server\share\x` on Windows).
 *
 * @example
 * ```ts
 * import { toFileUrl } from "./file_url.ts";
 * toFileUrl("/tmp/my tools/add.ts"); // "file:///tmp/my%20tools/add.ts"
 * ```
 */
export function toFileUrl(path: string): string {
  let slashed = path.replaceAll("\\", "/");
  if (/^[A-Za-z]:/.test(slashed)) slashed = `/${slashed}`;
  const encoded = slashed.split("/").map((part, i) =>
    i === 1 && /^[A-Za-z]:$/.test(part) ? part : encodeURIComponent(part)
  ).join("/");
  // A UNC path (`//server/share/…`) keeps its host: file://server/share/….
  return encoded.startsWith("//") ? `file:${encoded}` : `file://${encoded}`;
}

/**
 * The path of a `file:` URL, with the platform's conventions (or Windows' when `windows`).
 *
 * @example
 * ```ts
 * import { fromFileUrl } from "./file_url.ts";
 * const here = fromFileUrl(new URL("./examples", import.meta.url)); // "/…/examples" on POSIX
 * ```
 */
export function fromFileUrl(url: string | URL, windows: boolean = isWindows): string {
  const parsed = typeof url === "string" ? new URL(url) : url;
  if (parsed.protocol !== "file:") throw new TypeError(`not a file: URL: ${parsed.href}`);
  const path = decodeURIComponent(parsed.pathname);
  if (!windows) return path;
  // `/C:/x` is `C:\x`, and a host is a UNC share.
  const local = /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
  return (parsed.host ? `//${parsed.host}${local}` : local).replaceAll("/", "\\");
}
