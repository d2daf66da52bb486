/**
 * Prompts: their definitions as `prompts/list` returns them and the messages
 * `prompts/get` renders.
 *
 * @module
 */
import type { ContentBlock } from "./content.ts";
import type { Icon } from "./icon.ts";
import type { Meta } from "./meta.ts";

/** A prompt argument. */
export interface PromptArgument {
  /** Argument name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** Whether the argument is required. */
  required?: boolean;
}

/** A prompt as listed by `prompts/list`. */
export interface Prompt {
  /** Unique name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** Arguments the prompt takes. */
  arguments?: PromptArgument[];
  /** Icons. */
  icons?: Icon[];
  /** Metadata. */
  _meta?: Meta;
}

/** One message of a prompt. */
export interface PromptMessage {
  /** Speaker. */
  role: "user" | "assistant";
  /** The content. */
  content: ContentBlock;
}

/** The result of `prompts/get`. */
export interface GetPromptResult {
  /** Description of the rendered prompt. */
  description?: string;
  /** Messages. */
  messages: PromptMessage[];
  /** Metadata. */
  _meta?: Meta;
}
