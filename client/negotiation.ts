/**
 * Era negotiation: which protocol a server speaks is learned from the era
 * cache, from a `server/discover` probe (modern), or by falling back to the
 * legacy `initialize` handshake; and what the server told about itself
 * (capabilities, identity, instructions) is kept on the client.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject, type JsonObject } from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import type { DiscoverResult, Implementation, ServerCapabilities } from "../protocol/types.ts";
import { LATEST_LEGACY_VERSION, LEGACY_VERSIONS, MODERN_VERSIONS } from "../protocol/versions.ts";
import { type HttpClientTransport, HttpStatusError } from "../transports/http/client.ts";
import { declaredCapabilities } from "./capabilities.ts";
import { checkInitializeResult } from "./compat.ts";
import { eraCache } from "./era_cache.ts";
import { ClientError } from "./errors.ts";
import { cachedRequest } from "./list_cache.ts";
import type { ListOptions } from "./options.ts";
import { pickVersion, request } from "./request.ts";
import { type ClientState, sendRaw } from "./state.ts";

const MODERN_ERROR_CODES = new Set<number>([
  ErrorCode.UnsupportedProtocolVersion,
  ErrorCode.HeaderMismatch,
  ErrorCode.MissingRequiredClientCapability,
]);

/** HTTP statuses with which a server says it does not know a method or an endpoint. */
export const NOT_UNDERSTOOD_STATUSES: readonly number[] = [400, 404, 405];

/** Whether an error proves the peer is a modern server (it speaks the modern error vocabulary). */
function isModernError(error: unknown): boolean {
  return error instanceof McpError && MODERN_ERROR_CODES.has(error.code) &&
    (!(error instanceof HttpStatusError) || error.jsonRpcBody);
}

/**
 * Decides the era: forced by `options.era`, cached under `key`, probed with
 * `server/discover`, or by falling back to `initialize`. `stdio` bounds the
 * probe, since a legacy stdio server may stay silent instead of refusing.
 */
export async function negotiate(
  state: ClientState,
  key: string | undefined,
  stdio: boolean,
): Promise<void> {
  const forced = state.options.era;
  if (forced === "legacy") return await initialize(state);
  if (forced === "modern") {
    if (await probe(state, stdio)) return;
    throw new ClientError(
      ErrorCode.InvalidRequest,
      "The server did not answer server/discover as a modern server",
    );
  }
  const cached = key ? eraCache.get(key) : undefined;
  if (cached?.era === "legacy") {
    try {
      await initialize(state);
      return;
    } catch (error) {
      if (
        error instanceof McpError && error.code === ErrorCode.ConnectionClosed && state.closed
      ) throw error;
      eraCache.delete(key!);
    }
  }
  if (cached?.era === "modern") state.version = cached.protocolVersion;
  if (await probe(state, stdio)) {
    if (key) eraCache.set(key, { era: "modern", protocolVersion: state.version! });
    return;
  }
  await initialize(state);
  if (key) eraCache.set(key, { era: "legacy", protocolVersion: state.version! });
}

/** Sends the `server/discover` probe; true when the server is modern. */
async function probe(state: ClientState, stdio: boolean): Promise<boolean> {
  state.era = "modern";
  state.version ??= MODERN_VERSIONS[0];
  const timeoutMs = stdio ? (state.options.probeTimeoutMs ?? 3000) : undefined;
  let result: JsonObject;
  try {
    result = await request(state, "server/discover", {}, { timeoutMs });
  } catch (error) {
    state.era = undefined;
    if (error instanceof McpError && error.code === ErrorCode.UnsupportedProtocolVersion) {
      const supported = isObject(error.data) ? error.data.supported : undefined;
      if (pickVersion(supported, LEGACY_VERSIONS)) return false;
      throw new ClientError(
        ErrorCode.UnsupportedProtocolVersion,
        `The server supports none of our protocol versions (${
          MODERN_VERSIONS.join(", ")
        }): ${error.message}`,
        error.data,
      );
    }
    if (isModernError(error)) throw error;
    if (error instanceof HttpStatusError) {
      if (NOT_UNDERSTOOD_STATUSES.includes(error.status)) return false;
      throw error;
    }
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) throw error;
    // stdio and in-memory: any other error, or silence, means a legacy server.
    return false;
  }
  const version = pickVersion(result.supportedVersions, MODERN_VERSIONS);
  if (!version) {
    // A success that is not a DiscoverResult came from a server that does not know the method.
    state.era = undefined;
    return false;
  }
  state.version = version;
  applyDiscover(state, result);
  return true;
}

/** Keeps what a `server/discover` result tells about the server. */
function applyDiscover(state: ClientState, result: JsonObject): void {
  state.serverCapabilities = isObject(result.capabilities)
    ? result.capabilities as ServerCapabilities
    : {};
  if (typeof result.instructions === "string") state.instructions = result.instructions;
  const meta = isObject(result._meta) ? result._meta : {};
  const info = meta[MetaKey.serverInfo] ?? result.serverInfo;
  if (isObject(info)) state.serverInfo = info as unknown as Implementation;
}

/** The legacy handshake: `initialize`, `notifications/initialized`, then the log level. */
export async function initialize(state: ClientState): Promise<void> {
  state.era = "legacy";
  const requested = state.options.legacyVersion ?? LATEST_LEGACY_VERSION;
  let result: JsonObject;
  try {
    result = await state.engine.request("initialize", {
      protocolVersion: requested,
      capabilities: declaredCapabilities(state.options) as JsonObject,
      clientInfo: state.info as unknown as JsonObject,
    });
  } catch (error) {
    state.era = undefined;
    throw error;
  }
  const version = result.protocolVersion;
  if (typeof version !== "string" || !LEGACY_VERSIONS.includes(version)) {
    throw new ClientError(
      ErrorCode.UnsupportedProtocolVersion,
      `The server chose protocol version ${
        JSON.stringify(version)
      }, which this client does not speak`,
    );
  }
  checkInitializeResult(state, requested, result);
  state.version = version;
  state.serverCapabilities = isObject(result.capabilities)
    ? result.capabilities as ServerCapabilities
    : {};
  if (isObject(result.serverInfo)) {
    state.serverInfo = result.serverInfo as unknown as Implementation;
  }
  if (typeof result.instructions === "string") state.instructions = result.instructions;
  const http = state.transport as Partial<HttpClientTransport>;
  http.setProtocolVersion?.(version);
  await sendRaw(state, { jsonrpc: "2.0", method: "notifications/initialized" });
  http.openSessionStream?.();
  if (state.logLevel && state.serverCapabilities.logging) {
    await state.engine.request("logging/setLevel", { level: state.logLevel });
  }
}

/** The server's `server/discover` result; for a legacy server, what `initialize` told. */
export async function discover(state: ClientState, options: ListOptions): Promise<DiscoverResult> {
  if (state.era === "legacy") {
    return {
      supportedVersions: [state.version!],
      capabilities: state.serverCapabilities,
      ...(state.instructions ? { instructions: state.instructions } : {}),
      ...(state.serverInfo ? { _meta: { [MetaKey.serverInfo]: state.serverInfo } } : {}),
    };
  }
  const result = await cachedRequest(state, "server/discover", {}, options);
  applyDiscover(state, result);
  return result as unknown as DiscoverResult;
}
