/**
 * What a server tells clients about itself: its capabilities, the legacy
 * `initialize` handshake (which also negotiates the session's version), and
 * the 2026-07-28 `server/discover` (which also advertises extensions).
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import type {
  Implementation,
  JsonObject,
  JsonRpcRequest,
  LegacySession,
  ServerCapabilities,
} from "../protocol/mod.ts";
import { negotiateLegacyVersion, SUPPORTED_VERSIONS } from "../protocol/versions.ts";
import type { ServerCore } from "./core.ts";
import { composedInstructions, mountedCapabilities } from "./mount.ts";

/** The capabilities a server advertises: everything it serves, under its own overrides. */
export function capabilities(core: ServerCore): ServerCapabilities {
  return {
    tools: { listChanged: true },
    resources: { subscribe: true, listChanged: true },
    prompts: { listChanged: true },
    logging: {},
    completions: {},
    ...mountedCapabilities(core),
    ...core.options.capabilities,
  };
}

/** Legacy `initialize`: settles the session's version and what the client declared. */
export function initialize(
  core: ServerCore,
  request: JsonRpcRequest,
  session: LegacySession,
): JsonObject {
  const params = request.params ?? {};
  if (typeof params.protocolVersion !== "string") {
    throw new McpError(ErrorCode.InvalidParams, "initialize needs a protocolVersion string");
  }
  session.protocolVersion = negotiateLegacyVersion(params.protocolVersion);
  session.clientCapabilities = isObject(params.capabilities) ? params.capabilities : {};
  session.clientInfo = isObject(params.clientInfo)
    ? params.clientInfo as unknown as Implementation
    : undefined;
  const result: JsonObject = {
    protocolVersion: session.protocolVersion,
    capabilities: capabilities(core),
    serverInfo: core.info,
  };
  // Extensions that also serve legacy sessions are declared in the handshake too.
  const legacy = core.extensions.filter((extension) => extension.legacy);
  if (legacy.length > 0) {
    const advertised = result.capabilities as ServerCapabilities;
    const extensions = { ...advertised.extensions };
    for (const extension of legacy) extensions[extension.id] = extension.settings ?? {};
    advertised.extensions = extensions;
  }
  const instructions = composedInstructions(core);
  if (instructions) result.instructions = instructions;
  return result;
}

/** `server/discover` (2026-07-28). */
export function discover(core: ServerCore): JsonObject {
  const advertised = capabilities(core);
  // Extensions exist from 2026-07-28 on, so only `server/discover` advertises them.
  if (core.extensions.length > 0) {
    const extensions = { ...advertised.extensions };
    for (const extension of core.extensions) {
      extensions[extension.id] = extension.settings ?? {};
    }
    advertised.extensions = extensions;
  }
  const result: JsonObject = {
    supportedVersions: [...SUPPORTED_VERSIONS],
    capabilities: advertised,
  };
  const instructions = composedInstructions(core);
  if (instructions) result.instructions = instructions;
  return result;
}
