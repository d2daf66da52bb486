/**
 * The mutable state of one `McpClient`, shared by the functions that make up
 * the client (connecting, requests, round trips, lists, subscriptions), and
 * the few primitives all of them use: sending a raw message, the
 * connection-closed message, and warnings.
 *
 * @module
 */
import { createRequestEngine, type RequestEngine } from "../protocol/engine.ts";
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { HeaderParameter } from "../protocol/headers.ts";
import type { JsonRpcMessage, RequestId } from "../protocol/jsonrpc.ts";
import type { Transport } from "../protocol/transport.ts";
import type { Implementation, LoggingLevel, ServerCapabilities, Tool } from "../protocol/types.ts";
import type { Validator } from "../schema/mod.ts";
import type { CacheEntry } from "./list_cache.ts";
import type { ClientOptions } from "./options.ts";
import type { MetaMemo } from "./request.ts";
import type { LegacySubscription, ModernSubscription } from "./subscriptions.ts";

/** Everything one client knows and holds; owned by its `McpClient`. */
export interface ClientState {
  /** The client's identity. */
  readonly info: Implementation;
  /** The options it was built with (read live: handlers may be swapped). */
  readonly options: ClientOptions;
  /** The transport in use, once attached. */
  transport: Transport | undefined;
  /** Pending requests of the current transport. */
  engine: RequestEngine;
  /** The era spoken, once known. */
  era: "modern" | "legacy" | undefined;
  /** The protocol version in use. */
  version: string | undefined;
  /** The server's identity, when it told. */
  serverInfo: Implementation | undefined;
  /** The server's capabilities. */
  serverCapabilities: ServerCapabilities;
  /** The server's instructions for the model. */
  instructions: string | undefined;
  /** The tools last listed, by name. */
  readonly tools: Map<string, Tool>;
  /** Modern list results kept for their `ttlMs`. */
  readonly cache: Map<string, CacheEntry>;
  /** Open `subscriptions/listen` requests, by request id. */
  readonly modernSubs: Map<RequestId, ModernSubscription>;
  /** Legacy subscriptions fed from the session's notifications. */
  readonly legacySubs: Set<LegacySubscription>;
  /** How many legacy subscriptions want each resource URI. */
  readonly resourceRefs: Map<string, number>;
  /** Server-to-client requests being answered, by request id. */
  readonly serverRequests: Map<RequestId, AbortController>;
  /** The log level asked of the server. */
  logLevel: LoggingLevel | undefined;
  /** Whether the connection is over for good. */
  closed: boolean;
  /** Whether era detection is under way (a transport may be given up). */
  connecting: boolean;
  /** Why the connection closed. */
  closeReason: string | undefined;
  /** Aborted when the client closes. */
  readonly lifetime: AbortController;
  /** The modern `_meta`, built once per change of what it is made of. */
  metaMemo: MetaMemo | undefined;
  /** `x-mcp-header` parameters, walked once per tool definition. */
  readonly headerParameters: WeakMap<Tool, HeaderParameter[]>;
  /** Output-schema validators, compiled once per tool definition (`null`: unusable schema). */
  readonly outputValidators: WeakMap<Tool, Validator | null>;
}

/** The state of a client that is not connected yet. */
export function createClientState(info: Implementation, options: ClientOptions): ClientState {
  const state: ClientState = {
    info,
    options,
    transport: undefined,
    engine: undefined as unknown as RequestEngine,
    era: undefined,
    version: undefined,
    serverInfo: undefined,
    serverCapabilities: {},
    instructions: undefined,
    tools: new Map(),
    cache: new Map(),
    modernSubs: new Map(),
    legacySubs: new Set(),
    resourceRefs: new Map(),
    serverRequests: new Map(),
    logLevel: options.logLevel,
    closed: false,
    connecting: false,
    closeReason: undefined,
    lifetime: new AbortController(),
    metaMemo: undefined,
    headerParameters: new WeakMap(),
    outputValidators: new WeakMap(),
  };
  state.engine = newEngine(state);
  return state;
}

/** A request engine that sends through whatever transport the client holds. */
export function newEngine(state: ClientState): RequestEngine {
  const timeoutMs = state.options.timeoutMs;
  return createRequestEngine((message) => sendRaw(state, message), {
    defaultTimeoutMs: timeoutMs === undefined ? 60_000 : timeoutMs,
    // Subscriptions are long-lived; ordinary requests are bounded by their own timeout.
    hardMaxTimeoutMs: 2_147_483_647,
  });
}

/** Sends one message as is; rejects when the client is not (or no longer) connected. */
export function sendRaw(state: ClientState, message: JsonRpcMessage): Promise<void> {
  const transport = state.transport;
  if (!transport || state.closed) {
    return Promise.reject(new McpError(ErrorCode.ConnectionClosed, closedMessage(state)));
  }
  return transport.send(message);
}

/** The message of connection-closed errors. */
export function closedMessage(state: ClientState): string {
  return `Connection closed: ${state.closeReason ?? "the client is not connected"}`;
}

/** Reports a warning through `onWarning`, or the console. */
export function warn(state: ClientState, message: string): void {
  const onWarning = state.options.onWarning;
  if (onWarning) onWarning(message);
  else console.warn(`[emcee client] ${message}`);
}
