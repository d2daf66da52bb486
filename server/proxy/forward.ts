/**
 * One forwarded handler call (`tools/call`, `resources/read`, `prompts/get`):
 * sent to the remote under the local caller's cancellation, with its progress
 * relayed, its multi round-trip input asked of the local caller, and its
 * result returned as the remote sent it (less the remote's envelope). A task
 * handle the remote answers with is followed to its end (remote_task.ts).
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import type { CallOptions } from "../../client/options.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { isObject, type JsonObject } from "../../protocol/jsonrpc.ts";
import { MetaKey } from "../../protocol/meta.ts";
import type { InputRequests } from "../../protocol/mod.ts";
import type { RequestContext } from "../context.ts";
import type { InflightCalls } from "./inflight.ts";
import { followRemoteTask } from "./remote_task.ts";

/** Sends one handler call to the remote on behalf of a local caller; resolves with its raw result. */
export type Forward = (
  method: string,
  params: JsonObject,
  context: RequestContext,
) => Promise<JsonObject>;

/** Settings of {@link createForward}. */
export interface ForwardSettings {
  /** Per round trip to the remote; `null` for none. */
  timeoutMs: number | null;
  /** Most `InputRequiredResult` rounds before a call fails. */
  maxInputRounds: number;
  /** Whether the proxy is closed (calls then fail). */
  closed: () => boolean;
}

/** The `_meta` of the local request worth passing on: the caller's own keys, not the protocol's. */
function forwardedMeta(meta: JsonObject): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const [key, value] of Object.entries(meta)) {
    if (key === "progressToken" || key.startsWith("io.modelcontextprotocol/")) continue;
    (out ??= {})[key] = value;
  }
  return out;
}

/**
 * What the remote asked for, in the form the local caller's era expects: a
 * legacy client needs an `elicitationId` on URL-mode elicitations, which
 * 2026-07-28 dropped.
 */
function forLocalEra(requests: JsonObject, era: "modern" | "legacy"): InputRequests {
  if (era === "modern") return requests as unknown as InputRequests;
  const out: JsonObject = {};
  for (const [key, request] of Object.entries(requests)) {
    const params = isObject(request) && isObject(request.params) ? request.params : undefined;
    out[key] = params?.mode === "url" && params.elicitationId === undefined
      ? { ...request as JsonObject, params: { ...params, elicitationId: crypto.randomUUID() } }
      : request;
  }
  return out as unknown as InputRequests;
}

/** The error to answer with: the remote's as it came, anything else as an internal error. */
export function remoteError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  const wrapped = new McpError(
    ErrorCode.InternalError,
    error instanceof Error ? error.message : String(error),
  );
  return Object.assign(wrapped, { cause: error });
}

/** A forwarder over `client`; see the module documentation. */
export function createForward(
  client: McpClient,
  calls: InflightCalls,
  settings: ForwardSettings,
): Forward {
  return async (method, params, context) => {
    if (settings.closed()) throw new McpError(ErrorCode.InternalError, "The proxy is closed");
    const options: CallOptions = { signal: context.signal, timeoutMs: settings.timeoutMs };
    if (context.meta.progressToken !== undefined) {
      options.onProgress = (p) => context.progress(p.progress, p.total, p.message);
    }
    const meta = forwardedMeta(context.meta);
    const first = meta ? { ...params, _meta: meta } : params;
    const leave = calls.enter(context);
    try {
      let next = first;
      for (let round = 1;; round++) {
        let result: JsonObject;
        try {
          result = await client.request(method, next, options);
        } catch (error) {
          throw remoteError(error);
        }
        if (result.resultType === "task") {
          return await followRemoteTask(result, {
            request: (method, params, signal) =>
              client.request(method, params, { signal, timeoutMs: settings.timeoutMs }),
            input: async (requests) =>
              await context.input(forLocalEra(requests as unknown as JsonObject, context.era)),
            signal: context.signal,
            defaultPollIntervalMs: 500,
          }).catch((error) => {
            throw remoteError(error);
          });
        }
        if (result.resultType !== "input_required") return result;
        if (round >= settings.maxInputRounds) {
          throw new McpError(
            ErrorCode.InternalError,
            `${method} still needed input after ${settings.maxInputRounds} rounds; giving up`,
            { rounds: settings.maxInputRounds },
          );
        }
        const requests = isObject(result.inputRequests) ? result.inputRequests : {};
        // The remote's keys are stable across its replays, so they are stable across ours.
        const answers = await context.input(forLocalEra(requests, context.era));
        next = { ...first };
        if (Object.keys(requests).length > 0) next.inputResponses = answers;
        if (typeof result.requestState === "string") next.requestState = result.requestState;
      }
    } finally {
      leave();
    }
  };
}

/** Removes the remote's era envelope from a result: its `resultType` and its serverInfo. */
function withoutEnvelope(result: JsonObject): JsonObject {
  const { resultType: _type, ...rest } = result;
  if (isObject(rest._meta) && MetaKey.serverInfo in rest._meta) {
    const { [MetaKey.serverInfo]: _info, ...meta } = rest._meta;
    if (Object.keys(meta).length > 0) rest._meta = meta;
    else delete rest._meta;
  }
  return rest;
}

/**
 * A remote `CallToolResult` as the local server sends a handler's result on
 * unchanged: only its four fields, so it is recognised as a result and not
 * taken for a value.
 */
export function toolResultOf(result: JsonObject): JsonObject {
  const clean = withoutEnvelope(result);
  const out: JsonObject = { content: Array.isArray(clean.content) ? clean.content : [] };
  for (const key of ["structuredContent", "isError", "_meta"]) {
    if (clean[key] !== undefined) out[key] = clean[key];
  }
  return out;
}

/**
 * A remote `resources/read` or `prompts/get` result; its cache hints stay for
 * a 2026-07-28 caller (they are the remote's to give) and go for a legacy one.
 */
export function handlerResultOf(result: JsonObject, era: "modern" | "legacy"): JsonObject {
  const clean = withoutEnvelope(result);
  if (era === "legacy") {
    delete clean.ttlMs;
    delete clean.cacheScope;
  }
  return clean;
}
