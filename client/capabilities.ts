/**
 * The capabilities a client declares follow from its handlers: a server is
 * told about elicitation, sampling or roots only when the client can answer.
 *
 * @module
 */
import type { ClientCapabilities } from "../protocol/types.ts";
import type { ClientOptions } from "./options.ts";

/**
 * The capabilities declared for `options`: `options.capabilities` with the
 * handler-derived ones on top.
 *
 * @example
 * ```ts
 * import { declaredCapabilities } from "./capabilities.ts";
 * declaredCapabilities({ handlers: { elicit: () => ({ action: "decline" }) } });
 * // { elicitation: { form: {} } }
 * ```
 */
export function declaredCapabilities(options: ClientOptions): ClientCapabilities {
  const handlers = options.handlers ?? {};
  const caps: ClientCapabilities = { ...options.capabilities };
  if (handlers.elicit || handlers.elicitUrl) {
    caps.elicitation = {
      ...(handlers.elicit ? { form: {} } : {}),
      ...(handlers.elicitUrl ? { url: {} } : {}),
    };
  }
  if (handlers.sample) caps.sampling = { tools: {} };
  if (handlers.roots) caps.roots = { listChanged: true };
  return caps;
}
