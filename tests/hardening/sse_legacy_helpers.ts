/**
 * What the SSE hardening tests share: a legacy session opened on a handler,
 * the server-side session captured to emit standalone messages from, and an
 * SSE reader over a response body.
 */
import type { JsonRpcMessage, JsonRpcNotification } from "../../protocol/jsonrpc.ts";
import type { LegacySession } from "../../protocol/server_endpoint.ts";
import { McpServer } from "../../server/server.ts";
import type { HttpHandler } from "../../runtime/mod.ts";
import { createMemoryEventStore, type EventStore } from "../../transports/http/event_store.ts";
import { within } from "../async.ts";

/** The endpoint URL the in-process requests name. */
export const ENDPOINT = "http://127.0.0.1/mcp";

/** A server whose attached legacy sessions are collected in `sessions`. */
export function capturingServer(): { server: McpServer; sessions: LegacySession[] } {
  const server = new McpServer({ name: "hardening", version: "1.0.0" });
  const sessions: LegacySession[] = [];
  const attach = server.attachSession.bind(server);
  server.attachSession = (session) => {
    sessions.push(session);
    return attach(session);
  };
  return { server, sessions };
}

/** Initializes a legacy session at `url` in `version`; returns its id. */
export async function initialize(
  send: (request: Request) => Promise<Response>,
  version: string,
  url: string = ENDPOINT,
): Promise<string> {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    send(
      new Request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
        body: JSON.stringify(body),
      }),
    );
  const response = await post({
    jsonrpc: "2.0",
    id: "init",
    method: "initialize",
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "h", version: "1" } },
  });
  await response.body?.cancel();
  const id = response.headers.get("mcp-session-id");
  if (!id) throw new Error(`initialize gave no session id (status ${response.status})`);
  const done = await post({ jsonrpc: "2.0", method: "notifications/initialized" }, {
    "mcp-session-id": id,
    "mcp-protocol-version": version,
  });
  await done.body?.cancel();
  return id;
}

/** A GET for the session's stream, resuming after `lastEventId` when given. */
export function getStream(
  session: string,
  version: string,
  lastEventId?: string,
  url: string = ENDPOINT,
): Request {
  const headers: Record<string, string> = {
    accept: "text/event-stream",
    "mcp-session-id": session,
    "mcp-protocol-version": version,
  };
  if (lastEventId) headers["last-event-id"] = lastEventId;
  return new Request(url, { method: "GET", headers });
}

/** One SSE event with data. */
export interface SseEvent {
  /** Its id, if any. */
  id?: string;
  /** Its data. */
  data: string;
}

/** Reads SSE events with data from `body`, one at a time. */
export function sseReader(body: ReadableStream<Uint8Array>): {
  next(ms?: number): Promise<SseEvent>;
  cancel(): Promise<void>;
} {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const read = async (): Promise<SseEvent> => {
    while (true) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("id:")) id = line.slice(3).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        }
        if (data.length > 0 && data.join("") !== "") return { id, data: data.join("\n") };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the SSE stream ended");
      buffer += decoder.decode(value, { stream: true });
    }
  };
  return {
    next: (ms = 10_000) => within(read(), ms, "an SSE event"),
    cancel: () => reader.cancel().catch(() => {}),
  };
}

/** A legacy session's standalone notification carrying `n`. */
export function numbered(n: number): JsonRpcNotification {
  return { jsonrpc: "2.0", method: "notifications/message", params: { n } };
}

/** `handler` as the in-process sender the helpers take. */
export function direct(handler: HttpHandler): (request: Request) => Promise<Response> {
  return async (request) => await handler(request);
}

/** A POST of `body` within legacy session `session`, accepting JSON or an SSE stream. */
export function postInSession(
  session: string,
  version: string,
  body: unknown,
  url: string = ENDPOINT,
): Request {
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": session,
      "mcp-protocol-version": version,
    },
    body: JSON.stringify(body),
  });
}

/**
 * The memory store behind calls that all answer later: each awaits `pause()` before reaching
 * the store, and a replay awaits it again between reading the events and sending them.
 */
export function pausingStore(pause: () => Promise<void>): EventStore {
  const inner = createMemoryEventStore();
  return {
    async append(streamId, message) {
      await pause();
      return inner.append(streamId, message);
    },
    async replayAfter(lastEventId, send) {
      await pause();
      const events: [string, JsonRpcMessage][] = [];
      const streamId = inner.replayAfter(lastEventId, (id, message) => events.push([id, message]));
      await pause();
      for (const [id, message] of events) send(id, message);
      return streamId;
    },
    async forgetSession(sessionId) {
      await pause();
      inner.forgetSession(sessionId);
    },
  };
}
