/**
 * Content helpers: build the blocks a tool result (`{ content: [...] }`) or a
 * prompt message carries, with binary data base64-encoded for the caller.
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * import { image, text } from "./content.ts";
 * const server = new McpServer({ name: "charts", version: "1.0.0" });
 * const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
 * server.tool({
 *   name: "chart",
 *   handler: () => ({ content: [text("Sales by month"), image(png, "image/png")] }),
 * });
 * ```
 *
 * @module
 */
import type {
  Annotations,
  AudioContent,
  EmbeddedResource,
  ImageContent,
  Meta,
  Resource,
  ResourceLink,
  TextContent,
} from "../protocol/mod.ts";
import { base64Of, type Bytes } from "./base64.ts";

/** What every content block may carry besides its data. */
export interface ContentOptions {
  /** Audience, priority, last modification. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** The contents to embed: text, or binary data (bytes, or base64 already). */
export type EmbeddedContents =
  | { uri: string; mimeType?: string; text: string; _meta?: Meta }
  | { uri: string; mimeType?: string; blob: Bytes | string; _meta?: Meta };

function withOptions<T extends object>(block: T, options: ContentOptions | undefined): T {
  if (options?.annotations !== undefined) {
    (block as { annotations?: Annotations }).annotations = options.annotations;
  }
  if (options?._meta !== undefined) (block as { _meta?: Meta })._meta = options._meta;
  return block;
}

function requireString(value: unknown, what: string): string {
  if (typeof value === "string" && value !== "") return value;
  throw new TypeError(`${what} must be a non-empty string, got ${JSON.stringify(value)}`);
}

/**
 * A text block.
 *
 * @example
 * ```ts
 * import { text } from "./content.ts";
 * text("Hello"); // { type: "text", text: "Hello" }
 * ```
 */
export function text(value: string, options?: ContentOptions): TextContent {
  if (typeof value !== "string") {
    throw new TypeError(`text() takes a string, got ${typeof value}`);
  }
  return withOptions({ type: "text", text: value }, options);
}

/**
 * An image block; bytes are base64-encoded, a string must already be base64.
 *
 * @example
 * ```ts
 * import { image } from "./content.ts";
 * image(new Uint8Array([1, 2, 3]), "image/png"); // { type: "image", data: "AQID", mimeType: "image/png" }
 * ```
 */
export function image(
  data: Bytes | string,
  mimeType: string,
  options?: ContentOptions,
): ImageContent {
  return withOptions({
    type: "image",
    data: base64Of(data, "image()"),
    mimeType: requireString(mimeType, "image(): mimeType"),
  }, options);
}

/**
 * An audio block; bytes are base64-encoded, a string must already be base64.
 *
 * @example
 * ```ts
 * import { audio } from "./content.ts";
 * audio(new Uint8Array([82, 73, 70, 70]), "audio/wav"); // data: "UklGRg=="
 * ```
 */
export function audio(
  data: Bytes | string,
  mimeType: string,
  options?: ContentOptions,
): AudioContent {
  return withOptions({
    type: "audio",
    data: base64Of(data, "audio()"),
    mimeType: requireString(mimeType, "audio(): mimeType"),
  }, options);
}

/**
 * A link to a resource the client may read (`resources/read`), described as
 * `resources/list` would.
 *
 * @example
 * ```ts
 * import { resourceLink } from "./content.ts";
 * resourceLink({ uri: "file:///report.pdf", name: "report", mimeType: "application/pdf" });
 * ```
 */
export function resourceLink(resource: Resource): ResourceLink {
  requireString(resource?.uri, "resourceLink(): uri");
  requireString(resource.name, "resourceLink(): name");
  return { ...resource, type: "resource_link" };
}

/**
 * A resource embedded in the content: text, or a blob (bytes are
 * base64-encoded, a string must already be base64).
 *
 * @example
 * ```ts
 * import { embeddedResource } from "./content.ts";
 * embeddedResource({ uri: "memo://1", mimeType: "text/plain", text: "Buy milk" });
 * embeddedResource({ uri: "file:///logo.png", mimeType: "image/png", blob: new Uint8Array([1]) });
 * ```
 */
export function embeddedResource(
  contents: EmbeddedContents,
  options?: ContentOptions,
): EmbeddedResource {
  const uri = requireString(contents?.uri, "embeddedResource(): uri");
  const base = contents.mimeType === undefined ? { uri } : { uri, mimeType: contents.mimeType };
  const meta = contents._meta === undefined ? {} : { _meta: contents._meta };
  if ("text" in contents && typeof contents.text === "string") {
    return withOptions(
      { type: "resource", resource: { ...base, text: contents.text, ...meta } },
      options,
    );
  }
  if ("blob" in contents && contents.blob !== undefined) {
    const blob = base64Of(contents.blob, "embeddedResource()");
    return withOptions({ type: "resource", resource: { ...base, blob, ...meta } }, options);
  }
  throw new TypeError("embeddedResource() needs a text string or a blob");
}
