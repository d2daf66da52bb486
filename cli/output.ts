/**
 * How the client commands show what a server answered: tables for lists, the
 * text of results, binary content saved to files (their paths printed), JSON
 * for scripts, and a progress bar for a person watching a terminal.
 *
 * Renderers return lines; only the ones that save content touch the disk.
 *
 * @module
 */

import type { Progress } from "../protocol/engine.ts";
import type { CompleteResult } from "../protocol/completion.ts";
import type { ContentBlock } from "../protocol/content.ts";
import type { GetPromptResult, Prompt } from "../protocol/prompts.ts";
import type {
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceTemplate,
} from "../protocol/resources.ts";
import type { CallToolResult, Tool } from "../protocol/tools.ts";
import { joinPath, makeDirectory, writeBinaryFile } from "../runtime/mod.ts";
import { isObject } from "../protocol/jsonrpc.ts";

/** Where binary content goes: a directory and the stem of each file's name (`<stem>-<n>.<ext>`). */
export interface SaveOptions {
  /** The directory files are written to (created if missing). */
  readonly outDir: string;
  /** The start of each file name, e.g. the tool's name; unsafe characters become `_`. */
  readonly stem: string;
}

/**
 * Pretty-printed JSON, the `--json` output of every command.
 *
 * @example
 * ```ts
 * import { jsonText } from "./output.ts";
 * jsonText({ a: 1 }); // '{\n  "a": 1\n}'
 * ```
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "null";
}

/**
 * Left-aligned columns two spaces apart, headed by `headers`; trailing spaces trimmed.
 *
 * @example
 * ```ts
 * import { table } from "./output.ts";
 * table(["NAME", "DESCRIPTION"], [["add", "Adds."], ["echo", "Echoes."]]);
 * // ["NAME  DESCRIPTION", "add   Adds.", "echo  Echoes."]
 * ```
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length))
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0].trim();
}

/**
 * The `tools` table: each tool's name and the first line of its description.
 *
 * @example
 * ```ts
 * import { toolsTable } from "./output.ts";
 * toolsTable([{ name: "add", description: "Adds two numbers.\nMore.", inputSchema: {} }]);
 * // ["NAME  DESCRIPTION", "add   Adds two numbers."]
 * ```
 */
export function toolsTable(tools: readonly Tool[]): string[] {
  if (tools.length === 0) return ["(no tools)"];
  return table(
    ["NAME", "DESCRIPTION"],
    tools.map((tool) => [tool.name, firstLine(tool.description)]),
  );
}

/**
 * The `resources` tables: URI, name and MIME type of each resource, then the
 * templates (URI template, name, MIME type) when there are any.
 */
export function resourcesTable(
  resources: readonly Resource[],
  templates: readonly ResourceTemplate[] = [],
): string[] {
  const lines = resources.length === 0 ? ["(no resources)"] : table(
    ["URI", "NAME", "MIME TYPE"],
    resources.map((r) => [r.uri, r.name, r.mimeType ?? ""]),
  );
  if (templates.length > 0) {
    lines.push(
      "",
      ...table(
        ["URI TEMPLATE", "NAME", "MIME TYPE"],
        templates.map((t) => [t.uriTemplate, t.name, t.mimeType ?? ""]),
      ),
    );
  }
  return lines;
}

/**
 * The `prompts` table: name, arguments (optional ones in brackets) and the
 * first line of the description.
 *
 * @example
 * ```ts
 * import { promptsTable } from "./output.ts";
 * promptsTable([{ name: "greet", arguments: [{ name: "who", required: true }, { name: "tone" }] }]);
 * // ["NAME   ARGUMENTS   DESCRIPTION", "greet  who [tone]"]
 * ```
 */
export function promptsTable(prompts: readonly Prompt[]): string[] {
  if (prompts.length === 0) return ["(no prompts)"];
  return table(
    ["NAME", "ARGUMENTS", "DESCRIPTION"],
    prompts.map((prompt) => [
      prompt.name,
      (prompt.arguments ?? []).map((a) => (a.required ? a.name : `[${a.name}]`)).join(" "),
      firstLine(prompt.description),
    ]),
  );
}

/** What `discover` shows: who the server is, the protocol spoken and what it offers. */
export interface ServerSummary {
  /** The server's name and version, when it told. */
  readonly serverInfo?: {
    readonly name: string;
    readonly version: string;
    readonly title?: string;
  };
  /** The protocol version in use. */
  readonly protocolVersion?: string;
  /** `modern` (2026-07-28) or `legacy` (initialize handshake). */
  readonly era?: string;
  /** Versions the server says it speaks. */
  readonly supportedVersions?: readonly string[];
  /** The server's capabilities. */
  readonly capabilities: { readonly [name: string]: unknown };
  /** The server's instructions for the model. */
  readonly instructions?: string;
}

/**
 * The `discover` report, one fact a line, capabilities with their options.
 *
 * @example
 * ```ts
 * import { serverSummaryLines } from "./output.ts";
 * serverSummaryLines({ serverInfo: { name: "demo", version: "1.0.0" }, protocolVersion: "2026-07-28", capabilities: { tools: {} } });
 * // ["Server:    demo 1.0.0", "Protocol:  2026-07-28", "Capabilities:", "  tools"]
 * ```
 */
export function serverSummaryLines(summary: ServerSummary): string[] {
  const info = summary.serverInfo;
  const lines = [
    `Server:    ${info === undefined ? "(unnamed)" : `${info.title ?? info.name} ${info.version}`}`,
  ];
  if (summary.protocolVersion !== undefined) {
    const era = summary.era === undefined ? "" : ` (${summary.era})`;
    lines.push(`Protocol:  ${summary.protocolVersion}${era}`);
  }
  if (summary.supportedVersions !== undefined && summary.supportedVersions.length > 0) {
    lines.push(`Supports:  ${summary.supportedVersions.join(", ")}`);
  }
  lines.push("Capabilities:");
  const names = Object.keys(summary.capabilities).sort();
  if (names.length === 0) lines.push("  (none)");
  for (const name of names) {
    const value = summary.capabilities[name];
    const options = typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.entries(value).filter(([, v]) => v !== false).map(([k]) => k)
      : [];
    lines.push(options.length === 0 ? `  ${name}` : `  ${name}: ${options.join(", ")}`);
  }
  if (summary.instructions !== undefined && summary.instructions !== "") {
    lines.push("Instructions:", ...summary.instructions.split("\n").map((line) => `  ${line}`));
  }
  return lines;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  "image/jpeg": "jpg",
  "image/svg+xml": "svg",
  "image/x-icon": "ico",
  "audio/mpeg": "mp3",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "text/plain": "txt",
  "text/markdown": "md",
  "application/octet-stream": "bin",
};

/**
 * A file extension for a MIME type: the usual one for common types, else the
 * subtype's letters and digits, else `bin`.
 *
 * @example
 * ```ts
 * import { extensionFor } from "./output.ts";
 * extensionFor("image/png"); // "png"
 * extensionFor("image/jpeg"); // "jpg"
 * extensionFor(undefined); // "bin"
 * ```
 */
export function extensionFor(mimeType: string | undefined): string {
  const type = (mimeType ?? "").split(";")[0].trim().toLowerCase();
  const known = EXTENSIONS[type];
  if (known !== undefined) return known;
  const subtype = (type.split("/")[1] ?? "").replace(/^x-/, "").replace(/\+.*$/, "");
  const clean = subtype.replace(/[^a-z0-9]/g, "");
  return clean === "" || clean.length > 10 ? "bin" : clean;
}

function decodeBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Numbers the files of one result and writes them. */
class FileSaver {
  #options: SaveOptions;
  #count = 0;
  #made = false;

  constructor(options: SaveOptions) {
    this.#options = options;
  }

  async save(base64: string, mimeType: string | undefined): Promise<string> {
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(base64);
    } catch (error) {
      throw new Error(`the server sent ${mimeType ?? "binary"} data that is not base64`, {
        cause: error,
      });
    }
    if (!this.#made) {
      await makeDirectory(this.#options.outDir, { recursive: true });
      this.#made = true;
    }
    const stem = this.#options.stem.replace(/[^A-Za-z0-9._-]/g, "_") || "content";
    const path = joinPath(
      this.#options.outDir,
      `${stem}-${++this.#count}.${extensionFor(mimeType)}`,
    );
    await writeBinaryFile(path, bytes);
    return path;
  }
}

async function contentLines(block: ContentBlock, saver: FileSaver): Promise<string[]> {
  switch (block.type) {
    case "text":
      return [block.text];
    case "image":
    case "audio":
      return [
        `[${block.type} ${block.mimeType} saved to ${await saver.save(
          block.data,
          block.mimeType,
        )}]`,
      ];
    case "resource_link":
      return [`[resource link ${block.uri}${block.name ? ` (${block.name})` : ""}]`];
    case "resource":
      return await resourceLines(block.resource, saver);
    default:
      return [jsonText(block)];
  }
}

async function resourceLines(contents: ResourceContents, saver: FileSaver): Promise<string[]> {
  if ("text" in contents && typeof contents.text === "string") return [contents.text];
  if ("blob" in contents && typeof contents.blob === "string") {
    const type = contents.mimeType ?? "binary";
    return [
      `[${contents.uri} ${type} saved to ${await saver.save(contents.blob, contents.mimeType)}]`,
    ];
  }
  return [jsonText(contents)];
}

/**
 * A tool result for a person: each content block (text as is, images and
 * audio saved as `<tool>-<n>.<ext>` with the path printed), then
 * `structuredContent` as pretty JSON when the content does not already carry it.
 *
 * @example
 * ```ts
 * import { callResultLines } from "./output.ts";
 * await callResultLines({ content: [{ type: "text", text: "3" }], structuredContent: { sum: 3 } }, { outDir: ".", stem: "add" });
 * // ["3", "{\n  \"sum\": 3\n}"]
 * ```
 */
export async function callResultLines(
  result: CallToolResult,
  options: SaveOptions,
): Promise<string[]> {
  const saver = new FileSaver(options);
  const lines: string[] = [];
  const content = Array.isArray(result.content) ? result.content : [];
  for (const block of content) lines.push(...(await contentLines(block, saver)));
  if (result.structuredContent !== undefined) {
    const json = jsonText(result.structuredContent);
    // Servers often mirror the structured value as JSON text (a wrapped `{ result }` as the
    // value alone); once is enough.
    const structured: unknown = result.structuredContent;
    const wrapped = isObject(structured) && Object.keys(structured).join() === "result"
      ? structured.result
      : undefined;
    const mirrored = content.some((block) =>
      block.type === "text" &&
      (sameJson(block.text, structured) ||
        (wrapped !== undefined && sameJson(block.text, wrapped)))
    );
    if (!mirrored) lines.push(json);
  }
  return lines;
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** A resource's contents: text as is, blobs saved as `<stem>-<n>.<ext>` with the path printed. */
export async function readResultLines(
  result: ReadResourceResult,
  options: SaveOptions,
): Promise<string[]> {
  const saver = new FileSaver(options);
  const lines: string[] = [];
  for (const contents of result.contents ?? []) {
    lines.push(...(await resourceLines(contents, saver)));
  }
  return lines;
}

/** A rendered prompt: the description, then each message as `role:` and its content. */
export async function promptResultLines(
  result: GetPromptResult,
  options: SaveOptions,
): Promise<string[]> {
  const saver = new FileSaver(options);
  const lines: string[] = [];
  if (result.description !== undefined && result.description !== "") {
    lines.push(`# ${result.description}`);
  }
  for (const message of result.messages ?? []) {
    lines.push(`${message.role}:`, ...(await contentLines(message.content, saver)));
  }
  return lines;
}

/** Completion values one a line, then how many more there are when the server says. */
export function completionLines(result: CompleteResult): string[] {
  const { values, total, hasMore } = result.completion;
  const lines = values.length === 0 ? ["(no completions)"] : [...values];
  if (total !== undefined && total > values.length) {
    lines.push(`(${total - values.length} more)`);
  } else if (hasMore === true) lines.push("(more available)");
  return lines;
}

/**
 * One frame of a progress bar, to be drawn after `\r`:
 * `[#########-----------]  45% half way` (no bar without a total).
 *
 * @example
 * ```ts
 * import { progressFrame } from "./output.ts";
 * progressFrame({ progress: 1, total: 2, message: "half" }, 10); // "[#####-----]  50% half"
 * progressFrame({ progress: 3 }, 10); // "3"
 * ```
 */
export function progressFrame(progress: Progress, width = 30): string {
  const message = progress.message === undefined ? "" : ` ${progress.message}`;
  if (progress.total === undefined || !(progress.total > 0)) {
    return `${progress.progress}${message}`;
  }
  const ratio = Math.min(1, Math.max(0, progress.progress / progress.total));
  const filled = Math.round(ratio * width);
  const percent = `${Math.round(ratio * 100)}%`.padStart(4);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}${message}`;
}

/** A progress bar drawn in place; {@link ProgressBar.clear} erases it before other output. */
export interface ProgressBar {
  /** Draws the bar for the latest progress. */
  update(progress: Progress): void;
  /** Erases the bar, if one was drawn. */
  clear(): void;
}

/**
 * A progress bar that writes frames with `write` (raw text, no newline), or
 * does nothing when `write` is undefined (stderr is not a terminal).
 *
 * @example
 * ```ts
 * import { createProgressBar } from "./output.ts";
 * const bar = createProgressBar((text) => console.error(text));
 * bar.update({ progress: 1, total: 4 });
 * bar.clear();
 * ```
 */
export function createProgressBar(write: ((text: string) => void) | undefined): ProgressBar {
  let drawn = 0;
  return {
    update(progress) {
      if (write === undefined) return;
      const frame = progressFrame(progress);
      write(`\r${frame.padEnd(drawn)}`);
      drawn = frame.length;
    },
    clear() {
      if (write === undefined || drawn === 0) return;
      write(`\r${" ".repeat(drawn)}\r`);
      drawn = 0;
    },
  };
}
