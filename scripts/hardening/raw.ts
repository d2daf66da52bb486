/**
 * Raw HTTP/1.1 over TCP for scripts/hardening_figures.ts: sends bytes the fetch API would
 * refuse to send, and reads one response (status, headers, body) or notes that the server
 * closed without one.
 *
 * @module
 */
import { connectTcp } from "../../runtime/mod.ts";

/** What came back for one raw request. */
export interface RawAnswer {
  /** The status, when a response head arrived. */
  status?: number;
  /** The response headers, lower-cased names. */
  headers: Record<string, string>;
  /** The body (chunked decoding applied). */
  body: string;
  /** The connection could not be made or failed (reset) before any response. */
  error?: string;
  /** No response within the wait. */
  timedOut: boolean;
}

const encoder = new TextEncoder();

function findHeadEnd(bytes: Uint8Array, length: number): number {
  for (let i = 3; i < length; i++) {
    if (bytes[i - 3] === 13 && bytes[i - 2] === 10 && bytes[i - 1] === 13 && bytes[i] === 10) {
      return i + 1;
    }
  }
  return -1;
}

/** Decodes a chunked body (sizes count bytes, so it works on bytes), or undefined if cut. */
function dechunk(bytes: Uint8Array): string | undefined {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (true) {
    let eol = at;
    while (eol + 1 < bytes.length && !(bytes[eol] === 13 && bytes[eol + 1] === 10)) eol++;
    if (eol + 1 >= bytes.length) return undefined;
    const size = parseInt(new TextDecoder().decode(bytes.subarray(at, eol)), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) {
      const total = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        total.set(part, offset);
        offset += part.length;
      }
      return new TextDecoder().decode(total);
    }
    if (bytes.length < eol + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** Parses a complete response from `text`, or answers undefined if more is needed. */
function parse(bytes: Uint8Array, length: number, ended: boolean): RawAnswer | undefined {
  const headEnd = findHeadEnd(bytes, length);
  if (headEnd < 0) return undefined;
  const head = new TextDecoder().decode(bytes.subarray(0, headEnd));
  const lines = head.split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  const rest = new TextDecoder().decode(bytes.subarray(headEnd, length));
  if (headers["content-length"] !== undefined) {
    const want = Number(headers["content-length"]);
    if (length - headEnd < want && !ended) return undefined;
    return { status, headers, body: rest, timedOut: false };
  }
  if ((headers["transfer-encoding"] ?? "").includes("chunked")) {
    const body = dechunk(bytes.subarray(headEnd, length));
    if (body === undefined && !ended) return undefined;
    return { status, headers, body: body ?? rest, timedOut: false };
  }
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
    return { status, headers, body: "", timedOut: false };
  }
  if (!ended) return undefined;
  return { status, headers, body: rest, timedOut: false };
}

/**
 * Sends `request` (its pieces written one after another) to 127.0.0.1:`port` and reads one
 * response, waiting at most `waitMs`.
 */
export async function rawRequest(
  port: number,
  request: string | Uint8Array | (string | Uint8Array)[],
  waitMs: number,
): Promise<RawAnswer> {
  let connection;
  try {
    connection = await connectTcp({ hostname: "127.0.0.1", port });
  } catch (error) {
    return {
      headers: {},
      body: "",
      error: `connect: ${(error as Error).message}`,
      timedOut: false,
    };
  }
  const pieces = Array.isArray(request) ? request : [request];
  const reader = connection.readable.getReader();
  let buffer = new Uint8Array(64 * 1024);
  let length = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) =>
    timer = setTimeout(() => resolve("timeout"), waitMs)
  );
  const reading = (async (): Promise<RawAnswer> => {
    while (true) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        const parsed = parse(buffer, length, true);
        return parsed ??
          { headers: {}, body: "", error: `read: ${(error as Error).message}`, timedOut: false };
      }
      if (chunk.done) {
        return parse(buffer, length, true) ??
          { headers: {}, body: "", timedOut: false, error: length === 0 ? undefined : "partial" };
      }
      if (length + chunk.value.length > buffer.length) {
        const bigger = new Uint8Array(Math.max(buffer.length * 2, length + chunk.value.length));
        bigger.set(buffer.subarray(0, length));
        buffer = bigger;
      }
      buffer.set(chunk.value, length);
      length += chunk.value.length;
      const parsed = parse(buffer, length, false);
      if (parsed) return parsed;
    }
  })();
  let writeError: string | undefined;
  for (const piece of pieces) {
    try {
      await connection.write(typeof piece === "string" ? encoder.encode(piece) : piece);
    } catch (error) {
      writeError = `write: ${(error as Error).message}`;
      break;
    }
  }
  const outcome = await Promise.race([reading, timeout]);
  clearTimeout(timer);
  connection.close();
  reading.catch(() => {});
  if (outcome === "timeout") {
    const parsed = parse(buffer, length, true);
    return parsed ?? { headers: {}, body: "", timedOut: true, error: writeError };
  }
  if (outcome.status === undefined && writeError) outcome.error = writeError;
  return outcome;
}
