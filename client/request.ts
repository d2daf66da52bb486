/**
 * One request in the era the client speaks: modern requests carry the
 * client's `_meta` (protocol version, capabilities, identity, log level), and
 * a modern server that refuses the version with -32022 gets one retry with a
 * version both sides support.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject, type JsonObject, type JsonRpcMessage } from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import { TASKS_EXTENSION } from "../protocol/tasks.ts";
import type { ClientCapabilities, LoggingLevel } from "../protocol/types.ts";
import { MODERN_VERSIONS } from "../protocol/versions.ts";
import type { HttpClientTransport } from "../transports/http/client.ts";
import { declaredCapabilities } from "./capabilities.ts";
import type { CallOptions, ClientHandlers } from "./options.ts";
import { type ClientState, closedMessage, sendRaw } from "./state.ts";

/** The modern `_meta` objects and what they were built from. */
export interface MetaMemo {
  /** The protocol version they name. */
  version: string;
  /** The log level they ask for. */
  logLevel: LoggingLevel | undefined;
  /** The handlers their capabilities were derived from. */
  handlers: ClientHandlers | undefined;
  /** The extra capabilities they include. */
  capabilities: ClientCapabilities | undefined;
  /** `_meta` without the tasks extension. */
  plain: JsonObject;
  /** `_meta` declaring the tasks extension. */
  withTasks: JsonObject;
}

/** Options of one request: the caller's, plus what the client itself adds. */
export interface RequestSettings extends CallOptions {
  /** Extra HTTP headers of this request (e.g. `Mcp-Param-*`). */
  headers?: Record<string, string>;
  /** Sees the request message as it is sent (e.g. to learn its id). */
  onSend?: (message: JsonRpcMessage) => void;
}

/** The first of our versions the peer offers, if any. */
export function pickVersion(offered: unknown, ours: readonly string[]): string | undefined {
  if (!Array.isArray(offered)) return undefined;
  return ours.find((version) => offered.includes(version));
}

/**
 * The modern `_meta` of a request. It is the same object for every request
 * until something it is made of changes, so a call builds none; `tasks/*`
 * requests always declare the tasks extension, which they belong to.
 */
export function requestMeta(state: ClientState, method: string): JsonObject {
  const version = state.version ?? MODERN_VERSIONS[0];
  const { options } = state;
  let memo = state.metaMemo;
  if (
    memo === undefined || memo.version !== version || memo.logLevel !== state.logLevel ||
    memo.handlers !== options.handlers || memo.capabilities !== options.capabilities
  ) {
    memo = state.metaMemo = buildMetaMemo(state, version);
  }
  return options.tasks || method.startsWith("tasks/") ? memo.withTasks : memo.plain;
}

function buildMetaMemo(state: ClientState, version: string): MetaMemo {
  const build = (capabilities: ClientCapabilities): JsonObject => {
    const meta: JsonObject = {
      [MetaKey.protocolVersion]: version,
      [MetaKey.clientCapabilities]: capabilities as JsonObject,
      [MetaKey.clientInfo]: state.info as unknown as JsonObject,
    };
    if (state.logLevel) meta[MetaKey.logLevel] = state.logLevel;
    return meta;
  };
  const capabilities = declaredCapabilities(state.options);
  return {
    version,
    logLevel: state.logLevel,
    handlers: state.options.handlers,
    capabilities: state.options.capabilities,
    plain: build(capabilities),
    withTasks: build({
      ...capabilities,
      extensions: { ...capabilities.extensions, [TASKS_EXTENSION]: {} },
    }),
  };
}

/** One request in the current era, with one retry on -32022 with a mutually supported version. */
export async function request(
  state: ClientState,
  method: string,
  params: JsonObject | undefined,
  settings: RequestSettings = {},
): Promise<JsonObject> {
  if (state.closed) throw new McpError(ErrorCode.ConnectionClosed, closedMessage(state));
  for (let attempt = 0;; attempt++) {
    let finalParams = params;
    if (state.era === "modern") {
      const meta = requestMeta(state, method);
      finalParams = {
        ...params,
        _meta: isObject(params?._meta) ? { ...params._meta, ...meta } : meta,
      };
    }
    const transport = state.transport as Partial<HttpClientTransport> | undefined;
    const custom = settings.headers !== undefined || settings.onSend !== undefined;
    try {
      return await state.engine.request(method, finalParams, {
        timeoutMs: settings.timeoutMs,
        signal: settings.signal,
        onProgress: settings.onProgress,
        resetTimeoutOnProgress: settings.resetTimeoutOnProgress,
        maxTotalTimeoutMs: settings.maxTotalTimeoutMs,
        send: custom
          ? (message) => {
            settings.onSend?.(message);
            if (transport?.kind === "http" && "id" in message && "method" in message) {
              return transport.send!(message, { headers: settings.headers });
            }
            return sendRaw(state, message);
          }
          : undefined,
      });
    } catch (error) {
      if (
        attempt === 0 && state.era === "modern" && error instanceof McpError &&
        error.code === ErrorCode.UnsupportedProtocolVersion
      ) {
        const version = pickVersion(
          isObject(error.data) ? error.data.supported : undefined,
          MODERN_VERSIONS,
        );
        if (version) {
          state.version = version;
          continue;
        }
      }
      throw error;
    }
  }
}
