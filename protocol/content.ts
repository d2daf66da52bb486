/**
 * Content blocks: what tool results and prompt messages carry to the model.
 *
 * @module
 */
import type { Meta } from "./meta.ts";
import type { Annotations, Resource, ResourceContents } from "./resources.ts";

/** Plain text content. */
export interface TextContent {
  /** Discriminator. */
  type: "text";
  /** The text. */
  text: string;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** Base64 image content. */
export interface ImageContent {
  /** Discriminator. */
  type: "image";
  /** Base64 data. */
  data: string;
  /** MIME type such as image/png. */
  mimeType: string;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** Base64 audio content. */
export interface AudioContent {
  /** Discriminator. */
  type: "audio";
  /** Base64 data. */
  data: string;
  /** MIME type such as audio/wav. */
  mimeType: string;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** A resource embedded in content. */
export interface EmbeddedResource {
  /** Discriminator. */
  type: "resource";
  /** The embedded contents. */
  resource: ResourceContents;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** A link to a resource the client may read. */
export interface ResourceLink extends Resource {
  /** Discriminator. */
  type: "resource_link";
}

/** Any content block a tool result or prompt message may carry. */
export type ContentBlock =
  | TextContent
  | ImageContent
  | AudioContent
  | ResourceLink
  | EmbeddedResource;
