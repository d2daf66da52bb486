/**
 * MIME types of skill files, by file extension, and whether a file goes on
 * the wire as text or as base64 bytes.
 *
 * @module
 */

const TYPES: { [extension: string]: string } = {
  md: "text/markdown",
  markdown: "text/markdown",
  txt: "text/plain",
  html: "text/html",
  css: "text/css",
  csv: "text/csv",
  xml: "application/xml",
  json: "application/json",
  yaml: "application/yaml",
  yml: "application/yaml",
  toml: "application/toml",
  js: "text/javascript",
  mjs: "text/javascript",
  ts: "text/typescript",
  py: "text/x-python",
  sh: "text/x-shellscript",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  webp: "image/webp",
  pdf: "application/pdf",
  zip: "application/zip",
};

/** The MIME type a skill file's name suggests; `application/octet-stream` when unknown. */
export function skillFileMimeType(path: string): string {
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  if (dot <= slash + 1) return "application/octet-stream";
  return TYPES[path.slice(dot + 1).toLowerCase()] ?? "application/octet-stream";
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The file's text when it is valid UTF-8 of a textual type, else `undefined` (serve as a blob). */
export function skillFileText(bytes: Uint8Array, mimeType: string): string | undefined {
  const textual = mimeType.startsWith("text/") || /[/+](?:json|xml|yaml|toml)$/.test(mimeType) ||
    mimeType === "application/javascript" || mimeType === "application/octet-stream";
  if (!textual) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
