/**
 * Server-Sent Events (`text/event-stream`) in both directions: an encoder for servers and a
 * streaming parser for clients that follows the WHATWG HTML "event stream interpretation"
 * algorithm exactly (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 *
 * @module
 */

/** One event to write to an event stream. */
export interface SseEventInit {
  /** Event payload; line breaks (CRLF, CR or LF) become separate `data:` lines. */
  data: string;
  /** Event type; the receiver sees `"message"` when omitted. Must not contain CR or LF. */
  event?: string;
  /** Event id, remembered by the receiver as its last event id. No CR, LF or NUL. */
  id?: string;
  /** Reconnection time in milliseconds (a non-negative integer). */
  retry?: number;
}

/** One event dispatched by {@linkcode parseSse}. */
export interface SseEvent {
  /** Data lines joined with `\n` (no trailing newline). */
  data: string;
  /** Event type, `"message"` when the stream did not name one. */
  event: string;
  /**
   * The stream's last event id at dispatch time. It carries over from earlier events, as the
   * spec's "last event ID buffer" does; absent while that id is empty.
   */
  id?: string;
  /** The most recent reconnection time (ms) the stream set, if it set one at all. */
  retry?: number;
}

/** Observers for stream state that changes without an event being dispatched. */
export interface SseParseOptions {
  /**
   * Called whenever a valid `retry` field is seen, even in a block that dispatches no event
   * (servers commonly send `retry:` alone right before closing a stream).
   */
  onRetry?: (milliseconds: number) => void;
  /** Called whenever an `id` field changes the last event id, dispatched or not. */
  onLastEventId?: (id: string) => void;
}

const LINE_BREAK = /\r\n|\r|\n/;
const HAS_LINE_BREAK = /[\r\n]/;

function assertSingleLine(name: string, value: string): void {
  if (/[\r\n]/.test(value)) {
    throw new RangeError(`SSE ${name} must not contain CR or LF: ${JSON.stringify(value)}`);
  }
}

/**
 * Serialises one event as `text/event-stream` text, ending with the blank line that dispatches it.
 *
 * @example
 * ```ts
 * import { encodeSseEvent } from "./sse.ts";
 * encodeSseEvent({ event: "message", id: "7", data: '{"jsonrpc":"2.0"}' });
 * // 'event: message\nid: 7\ndata: {"jsonrpc":"2.0"}\n\n'
 * encodeSseEvent({ data: "a\nb" }); // 'data: a\ndata: b\n\n'
 * ```
 */
export function encodeSseEvent(init: SseEventInit): string {
  let text = "";
  if (init.event !== undefined) {
    assertSingleLine("event", init.event);
    text += `event: ${init.event}\n`;
  }
  if (init.id !== undefined) {
    assertSingleLine("id", init.id);
    // A receiver silently ignores an id containing NUL, so refuse to write one.
    if (init.id.includes("\0")) throw new RangeError("SSE id must not contain NUL");
    text += `id: ${init.id}\n`;
  }
  if (init.retry !== undefined) {
    if (!Number.isSafeInteger(init.retry) || init.retry < 0) {
      throw new RangeError(`SSE retry must be a non-negative integer, got ${init.retry}`);
    }
    text += `retry: ${init.retry}\n`;
  }
  // JSON text (every event this SDK sends) has no line breaks: one line, no split.
  if (!HAS_LINE_BREAK.test(init.data)) {
    return text + (init.data === "" ? "data:\n\n" : `data: ${init.data}\n\n`);
  }
  for (const line of init.data.split(LINE_BREAK)) {
    text += line === "" ? "data:\n" : `data: ${line}\n`;
  }
  return text + "\n";
}

/**
 * Serialises a comment, which receivers ignore. Sent periodically it keeps proxies and idle
 * timers from closing a quiet stream.
 *
 * @example
 * ```ts
 * import { encodeSseComment } from "./sse.ts";
 * encodeSseComment(); // ': keep-alive\n\n'
 * encodeSseComment("hi"); // ': hi\n\n'
 * ```
 */
export function encodeSseComment(text: string = "keep-alive"): string {
  return text.split(LINE_BREAK).map((line) => `: ${line}\n`).join("") + "\n";
}

interface SseLineSink {
  (line: string): void;
}

/**
 * Splits decoded text into lines on CRLF, CR or LF. A CR at the end of a chunk is held back until
 * the next chunk shows whether an LF follows, so a CRLF split across chunks is one line break.
 */
function createLineSplitter(onLine: SseLineSink): { push(text: string): void } {
  let pending = "";
  let skipLeadingLineFeed = false;
  return {
    push(text: string): void {
      if (skipLeadingLineFeed && text.length > 0) {
        if (text[0] === "\n") text = text.slice(1);
        skipLeadingLineFeed = false;
      }
      let start = 0;
      for (let index = 0; index < text.length; index++) {
        const char = text[index];
        if (char !== "\r" && char !== "\n") continue;
        onLine(pending + text.slice(start, index));
        pending = "";
        if (char === "\r") {
          if (index + 1 === text.length) skipLeadingLineFeed = true;
          else if (text[index + 1] === "\n") index++;
        }
        start = index + 1;
      }
      pending += text.slice(start);
    },
  };
}

/**
 * Builds the per-stream state machine of the WHATWG algorithm: it takes lines and calls `dispatch`
 * for each complete event. Text after the last blank line is an incomplete event and is dropped.
 */
function createEventAssembler(
  dispatch: (event: SseEvent) => void,
  options: SseParseOptions,
): SseLineSink {
  let data = "";
  let eventType = "";
  let lastEventId = "";
  let retry: number | undefined;

  const processField = (field: string, value: string): void => {
    switch (field) {
      case "event":
        eventType = value;
        break;
      case "data":
        data += value + "\n";
        break;
      case "id":
        if (!value.includes("\0")) {
          lastEventId = value;
          options.onLastEventId?.(value);
        }
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) {
          retry = Number.parseInt(value, 10);
          options.onRetry?.(retry);
        }
        break;
    }
  };

  return (line: string): void => {
    if (line === "") {
      if (data === "") {
        eventType = "";
        return;
      }
      const event: SseEvent = { data: data.slice(0, -1), event: eventType || "message" };
      if (lastEventId !== "") event.id = lastEventId;
      if (retry !== undefined) event.retry = retry;
      data = "";
      eventType = "";
      dispatch(event);
      return;
    }
    if (line[0] === ":") return;
    const colon = line.indexOf(":");
    if (colon === -1) {
      processField(line, "");
      return;
    }
    let value = line.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    processField(line.slice(0, colon), value);
  };
}

/**
 * A `TransformStream` from `text/event-stream` bytes to dispatched events. Handles a leading BOM,
 * every line-ending style and multi-byte UTF-8 characters split across chunks.
 *
 * @example
 * ```ts
 * import { createSseDecoderStream } from "./sse.ts";
 * const response = await fetch("https://example.com/mcp", {
 *   headers: { accept: "text/event-stream" },
 * });
 * const events = response.body!.pipeThrough(createSseDecoderStream());
 * ```
 */
export function createSseDecoderStream(
  options: SseParseOptions = {},
): TransformStream<Uint8Array, SseEvent> {
  // ignoreBOM keeps the BOM in the text so the strip below is the single, visible rule.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let atStreamStart = true;
  let splitter: { push(text: string): void } | undefined;
  const feed = (text: string): void => {
    if (atStreamStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStreamStart = false;
    }
    splitter?.push(text);
  };
  return new TransformStream<Uint8Array, SseEvent>({
    start(controller): void {
      splitter = createLineSplitter(
        createEventAssembler((event) => controller.enqueue(event), options),
      );
    },
    transform(chunk): void {
      feed(decoder.decode(chunk, { stream: true }));
    },
    flush(): void {
      feed(decoder.decode());
    },
  });
}

/**
 * Parses a `text/event-stream` body into events as they arrive. Breaking out of the loop cancels
 * the underlying stream.
 *
 * @example
 * ```ts
 * import { parseSse } from "./sse.ts";
 * declare const url: string;
 * declare const body: string;
 *
 * const response = await fetch(url, {
 *   method: "POST",
 *   body,
 *   headers: { "content-type": "application/json", accept: "text/event-stream" },
 * });
 * for await (const event of parseSse(response.body!)) {
 *   if (event.event === "message") console.log(JSON.parse(event.data));
 * }
 * ```
 */
export async function* parseSse(
  stream: ReadableStream<Uint8Array>,
  options: SseParseOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const reader = stream.pipeThrough(createSseDecoderStream(options)).getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
