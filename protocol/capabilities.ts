/**
 * Who each side is and what it can do: implementation identity, the
 * capabilities client and server declare, and `server/discover`.
 *
 * @module
 */
import type { Icon } from "./icon.ts";
import type { JsonObject } from "./jsonrpc.ts";
import type { Meta } from "./meta.ts";

/** Identity of a client or server implementation. */
export interface Implementation {
  /** Programmatic name. */
  name: string;
  /** Version string. */
  version: string;
  /** Human-readable name. */
  title?: string;
  /** Description of the implementation. */
  description?: string;
  /** Icons for display. */
  icons?: Icon[];
  /** Homepage. */
  websiteUrl?: string;
}

/** Capabilities a client declares. */
export interface ClientCapabilities {
  /** Roots support. */
  roots?: { listChanged?: boolean };
  /** Sampling support. */
  sampling?: { context?: JsonObject; tools?: JsonObject };
  /** Elicitation support; `{}` means form mode. */
  elicitation?: { form?: JsonObject; url?: JsonObject };
  /** Experimental capabilities. */
  experimental?: { [key: string]: JsonObject };
  /** Extensions. */
  extensions?: { [key: string]: JsonObject };
  /** Legacy task support. */
  tasks?: JsonObject;
  /** Other capabilities. */
  [key: string]: unknown;
}

/** Capabilities a server declares. */
export interface ServerCapabilities {
  /** Tools support. */
  tools?: { listChanged?: boolean };
  /** Resources support. */
  resources?: { subscribe?: boolean; listChanged?: boolean };
  /** Prompts support. */
  prompts?: { listChanged?: boolean };
  /** Logging support. */
  logging?: JsonObject;
  /** Completion support. */
  completions?: JsonObject;
  /** Experimental capabilities. */
  experimental?: { [key: string]: JsonObject };
  /** Extensions. */
  extensions?: { [key: string]: JsonObject };
  /** Legacy task support. */
  tasks?: JsonObject;
}

/** The result of `server/discover`. */
export interface DiscoverResult {
  /** Versions the server speaks. */
  supportedVersions: string[];
  /** Server capabilities. */
  capabilities: ServerCapabilities;
  /** Guidance for the model. */
  instructions?: string;
  /** Metadata, with the server identity. */
  _meta?: Meta;
}
