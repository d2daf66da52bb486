/**
 * What a server asks of the client, in either era: elicitation, sampling and
 * roots, and the 2026-07-28 `InputRequiredResult` that carries such requests
 * in a result instead of a server-to-client request.
 *
 * @module
 */
import type { JsonObject } from "./jsonrpc.ts";
import type { Meta } from "./meta.ts";
import type { Tool } from "./tools.ts";

/** Parameters of `elicitation/create`, form or URL mode. */
export interface ElicitRequestParams {
  /** "form" (default) or "url". */
  mode?: "form" | "url";
  /** What to ask the user. */
  message: string;
  /** Form mode: a flat JSON Schema of the requested fields. */
  requestedSchema?: JsonObject;
  /** URL mode: the page to open. */
  url?: string;
  /** URL mode (legacy 2025-11-25): correlation id. */
  elicitationId?: string;
  /** Metadata. */
  _meta?: Meta;
}

/** The user's answer to an elicitation. */
export interface ElicitResult {
  /** What the user did. */
  action: "accept" | "decline" | "cancel";
  /** Form values when accepted. */
  content?: { [key: string]: string | number | boolean | string[] };
  /** Metadata. */
  _meta?: Meta;
}

/** A message for sampling. */
export interface SamplingMessage {
  /** Speaker. */
  role: "user" | "assistant";
  /** Content (one block or several). */
  content: JsonObject | JsonObject[];
  /** Metadata. */
  _meta?: Meta;
}

/** Parameters of `sampling/createMessage`. */
export interface CreateMessageRequestParams {
  /** The conversation. */
  messages: SamplingMessage[];
  /** Model preferences. */
  modelPreferences?: JsonObject;
  /** System prompt. */
  systemPrompt?: string;
  /** Context inclusion (deprecated values aside, "none"). */
  includeContext?: "none" | "thisServer" | "allServers";
  /** Sampling temperature. */
  temperature?: number;
  /** Maximum tokens to sample. */
  maxTokens: number;
  /** Stop sequences. */
  stopSequences?: string[];
  /** Provider metadata. */
  metadata?: JsonObject;
  /** Tools the model may call. */
  tools?: Tool[];
  /** Tool choice. */
  toolChoice?: JsonObject;
  /** Metadata. */
  _meta?: Meta;
}

/** The client's sampled message. */
export interface CreateMessageResult {
  /** Speaker, normally "assistant". */
  role: "user" | "assistant";
  /** Content. */
  content: JsonObject | JsonObject[];
  /** The model used. */
  model: string;
  /** Why sampling stopped. */
  stopReason?: string;
  /** Metadata. */
  _meta?: Meta;
}

/** A root the client exposes. */
export interface Root {
  /** A file:// URI. */
  uri: string;
  /** Display name. */
  name?: string;
  /** Metadata. */
  _meta?: Meta;
}

/** The result of `roots/list`. */
export interface ListRootsResult {
  /** The roots. */
  roots: Root[];
  /** Metadata. */
  _meta?: Meta;
}

/** A request the server embeds in an `InputRequiredResult` (2026-07-28). */
export type InputRequest =
  | { method: "elicitation/create"; params: ElicitRequestParams }
  | { method: "sampling/createMessage"; params: CreateMessageRequestParams }
  | { method: "roots/list"; params?: JsonObject };

/** Server-assigned keys to input requests. */
export type InputRequests = { [key: string]: InputRequest };

/** Client answers to input requests, by key. */
export type InputResponses = { [key: string]: JsonObject };

/** The interim result asking the client for more input (2026-07-28). */
export interface InputRequiredResult {
  /** Discriminator. */
  resultType: "input_required";
  /** What the server needs. */
  inputRequests?: InputRequests;
  /** Opaque state the client echoes back. */
  requestState?: string;
  /** Metadata. */
  _meta?: Meta;
}
