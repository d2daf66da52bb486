/**
 * Resources a server exposes: listed resources, URI templates, their text or
 * binary contents, and the annotations they and content blocks carry.
 *
 * @module
 */
import type { Icon } from "./icon.ts";
import type { Meta } from "./meta.ts";

/** Annotations on content and resources. */
export interface Annotations {
  /** Who the content is for. */
  audience?: ("user" | "assistant")[];
  /** Importance from 0 to 1. */
  priority?: number;
  /** ISO 8601 timestamp of the last modification. */
  lastModified?: string;
}

/** A resource the server can read. */
export interface Resource {
  /** The URI. */
  uri: string;
  /** Programmatic name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** MIME type. */
  mimeType?: string;
  /** Size in bytes. */
  size?: number;
  /** Annotations. */
  annotations?: Annotations;
  /** Icons. */
  icons?: Icon[];
  /** Metadata. */
  _meta?: Meta;
}

/** A parameterised resource (RFC 6570 URI template). */
export interface ResourceTemplate {
  /** The URI template. */
  uriTemplate: string;
  /** Programmatic name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** MIME type of matching resources. */
  mimeType?: string;
  /** Annotations. */
  annotations?: Annotations;
  /** Icons. */
  icons?: Icon[];
  /** Metadata. */
  _meta?: Meta;
}

/** Text contents of a resource. */
export interface TextResourceContents {
  /** The resource URI. */
  uri: string;
  /** MIME type. */
  mimeType?: string;
  /** The text. */
  text: string;
  /** Metadata. */
  _meta?: Meta;
}

/** Binary contents of a resource. */
export interface BlobResourceContents {
  /** The resource URI. */
  uri: string;
  /** MIME type. */
  mimeType?: string;
  /** Base64 data. */
  blob: string;
  /** Metadata. */
  _meta?: Meta;
}

/** Contents of a resource, text or binary. */
export type ResourceContents = TextResourceContents | BlobResourceContents;

/** The result of `resources/read`. */
export interface ReadResourceResult {
  /** The contents read. */
  contents: ResourceContents[];
  /** Metadata. */
  _meta?: Meta;
}
