/**
 * What an input request from a handler (elicitation, sampling, roots) must
 * satisfy before it goes to the client: the capability the client declared,
 * and the era's form of URL-mode elicitation.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  ElicitRequestParams,
  InputRequest,
} from "../protocol/mod.ts";

const CAPABILITY_OF: { [method: string]: string } = {
  "elicitation/create": "elicitation",
  "sampling/createMessage": "sampling",
  "roots/list": "roots",
};

/**
 * Throws when the client did not declare what `request` needs: -32021 in the
 * 2026-07-28 era, a standard InvalidRequest for `legacy` peers.
 *
 * @example
 * ```ts
 * import { requireCapability } from "./input_checks.ts";
 * requireCapability({ roots: {} }, { method: "roots/list", params: {} }); // passes
 * ```
 */
export function requireCapability(
  capabilities: ClientCapabilities,
  request: InputRequest,
  legacy = false,
): void {
  const name = CAPABILITY_OF[request.method];
  const declared = capabilities[name] as JsonObject | undefined;
  let missing: JsonObject | undefined;
  if (!declared || typeof declared !== "object") {
    missing = { [name]: {} };
  } else if (request.method === "elicitation/create") {
    const mode = (request.params as ElicitRequestParams).mode ?? "form";
    // `{}` means form mode only (2025-06-18 semantics, kept since).
    const declaredModes = Object.keys(declared);
    const supports = declaredModes.length === 0 ? mode === "form" : declaredModes.includes(mode);
    if (!supports) missing = { elicitation: { [mode]: {} } };
  } else if (
    request.method === "sampling/createMessage" &&
    (request.params as CreateMessageRequestParams).tools &&
    !(declared as JsonObject).tools
  ) {
    missing = { sampling: { tools: {} } };
  }
  if (missing) {
    throw new McpError(
      // -32021 exists only from 2026-07-28 on; legacy peers get a standard code.
      legacy ? ErrorCode.InvalidRequest : ErrorCode.MissingRequiredClientCapability,
      `The client did not declare the ${name} capability this request needs`,
      { requiredCapabilities: missing },
    );
  }
}

/**
 * URL-mode elicitation differs by era: 2025-11-25 requires an `elicitationId`
 * (one is made when absent); 2026-07-28 removed it (correlate through
 * `requestState` instead).
 *
 * @example
 * ```ts
 * import { urlElicitationParams } from "./input_checks.ts";
 * const params = { mode: "url" as const, message: "Sign in", url: "https://example.com", elicitationId: "1" };
 * urlElicitationParams(params, "modern"); // without elicitationId
 * ```
 */
export function urlElicitationParams(
  params: ElicitRequestParams,
  era: "modern" | "legacy",
): ElicitRequestParams {
  if (era === "modern") {
    if (params.elicitationId === undefined) return params;
    const { elicitationId: _removed, ...rest } = params;
    return rest;
  }
  return params.elicitationId === undefined
    ? { ...params, elicitationId: crypto.randomUUID() }
    : params;
}
