/**
 * Tamper-proof `requestState` for multi round-trip requests (MRTR, 2026-07-28).
 *
 * The state carries the input responses gathered in earlier rounds, so a
 * handler can be replayed statelessly on any server instance. It is HMAC-SHA256
 * signed with Web Crypto, expires, and is bound to the originating request
 * (method plus a digest of its identifying params) and to the principal.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { JsonObject } from "../protocol/jsonrpc.ts";
import { memosFrom, type MemoSnapshot } from "./once.ts";

/** What the server keeps across rounds. */
export interface RequestStatePayload {
  /** Answers gathered in earlier rounds, by input key. */
  responses: { [key: string]: JsonObject };
  /**
   * Names this round's state: the key of the suspended handler run the
   * issuing process keeps for it (see `suspended_runs.ts`).
   */
  id?: string;
  /** Settled `context.once` results (see `once.ts`), bounded by `MAX_MEMO_BYTES`. */
  memos?: MemoSnapshot;
}

/** How long MRTR state stays valid when `requestStateTtlMs` is not set: 10 minutes. */
export const DEFAULT_REQUEST_STATE_TTL_MS = 10 * 60_000;

/** Signs and verifies request state with one secret. */
export interface RequestStateCodec {
  /** Seals a payload bound to `binding` (method, params digest, principal). */
  seal(payload: RequestStatePayload, binding: string): Promise<string>;
  /** Opens sealed state; throws -32602 when forged, expired or bound elsewhere. */
  open(state: string, binding: string): Promise<RequestStatePayload>;
}

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function rejectState(reason: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `Invalid requestState: ${reason}`);
}

/**
 * Creates a codec. Without a secret, a random one is made per process, so
 * state only verifies on the instance that issued it; pass a shared secret when
 * retries may land on another instance.
 *
 * @example
 * ```ts
 * import { createRequestStateCodec } from "./request_state.ts";
 * const codec = createRequestStateCodec({ ttlMs: 60_000 });
 * const state = await codec.seal({ responses: {} }, "tools/call:abc");
 * await codec.open(state, "tools/call:abc");
 * ```
 */
export function createRequestStateCodec(
  options: { secret?: string | Uint8Array; ttlMs?: number } = {},
): RequestStateCodec {
  const ttlMs = options.ttlMs ?? DEFAULT_REQUEST_STATE_TTL_MS;
  let keyPromise: Promise<CryptoKey> | undefined;
  const key = (): Promise<CryptoKey> => {
    if (!keyPromise) {
      const raw = typeof options.secret === "string"
        ? encoder.encode(options.secret)
        : options.secret ?? crypto.getRandomValues(new Uint8Array(32));
      keyPromise = crypto.subtle.importKey(
        "raw",
        raw as Uint8Array<ArrayBuffer>,
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign", "verify"],
      );
    }
    return keyPromise;
  };

  return {
    async seal(payload, binding) {
      const sealed: JsonObject = { r: payload.responses, e: Date.now() + ttlMs, b: binding };
      if (payload.id !== undefined) sealed.i = payload.id;
      if (payload.memos && Object.keys(payload.memos).length > 0) sealed.m = payload.memos;
      const body = toBase64Url(encoder.encode(JSON.stringify(sealed)));
      const signature = await crypto.subtle.sign("HMAC", await key(), encoder.encode(body));
      return `${body}.${toBase64Url(new Uint8Array(signature))}`;
    },
    async open(state, binding) {
      const dot = state.indexOf(".");
      if (dot <= 0) throw rejectState("malformed");
      const body = state.slice(0, dot);
      let signature: Uint8Array;
      let decoded: { r?: unknown; e?: unknown; b?: unknown; i?: unknown; m?: unknown };
      try {
        signature = fromBase64Url(state.slice(dot + 1));
        const ok = await crypto.subtle.verify(
          "HMAC",
          await key(),
          signature as Uint8Array<ArrayBuffer>,
          encoder.encode(body),
        );
        if (!ok) throw rejectState("signature does not verify");
        decoded = JSON.parse(new TextDecoder().decode(fromBase64Url(body)));
      } catch (error) {
        throw error instanceof McpError ? error : rejectState("malformed");
      }
      if (typeof decoded.e !== "number" || decoded.e < Date.now()) throw rejectState("expired");
      if (decoded.b !== binding) throw rejectState("issued for a different request");
      const responses = decoded.r;
      if (typeof responses !== "object" || responses === null) throw rejectState("malformed");
      const opened: RequestStatePayload = { responses: responses as { [key: string]: JsonObject } };
      if (typeof decoded.i === "string") opened.id = decoded.i;
      if (decoded.m !== undefined) opened.memos = memosFrom(decoded.m);
      return opened;
    },
  };
}

/**
 * A stable digest of a value (keys sorted), used to bind state to the
 * salient parameters of a request.
 */
export async function digestOf(value: unknown): Promise<string> {
  return await digestOfText(canonicalJson(value));
}

/** A digest of text already in canonical form (see {@link canonicalJson}). */
export async function digestOfText(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return toBase64Url(new Uint8Array(bytes));
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value as JsonObject).sort().map((k) =>
      `${JSON.stringify(k)}:${canonicalJson((value as JsonObject)[k])}`
    );
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
