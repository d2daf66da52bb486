/**
 * Argument completion (`completion/complete`) for prompts and resource
 * templates.
 *
 * @module
 */
import type { Meta } from "./meta.ts";

/** The result of `completion/complete`. */
export interface CompleteResult {
  /** The completion. */
  completion: { values: string[]; total?: number; hasMore?: boolean };
  /** Metadata. */
  _meta?: Meta;
}
