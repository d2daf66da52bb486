/**
 * One case of the malformed-request corpus of scripts/hardening_figures.ts, and how a JSON-RPC
 * case becomes a raw HTTP/1.1 POST with the era's headers.
 *
 * @module
 */
import { LEGACY, MODERN } from "./client.ts";

/** Where a case is sent. */
export interface CaseContext {
  /** Server port. */
  port: number;
  /** A live legacy session id (legacy era). */
  session: string;
}

/** One malformed request. */
export interface Case {
  /** Which family it belongs to (for the per-category table). */
  category: string;
  /** Era: which protocol version's headers it carries. */
  era: "modern" | "legacy";
  /** The JSON-RPC id a client would expect back, when the body holds a valid one. */
  id?: string | number;
  /** The bytes to send (pieces written in order). */
  build(context: CaseContext): (string | Uint8Array)[];
  /** What is special about it, for the samples. */
  label?: string;
  /** Wait this long for an answer, ms (short for cases that may get none). */
  waitMs?: number;
}

const encoder = new TextEncoder();

/** A POST to /mcp with the era's headers, `extra` overriding them (`null` drops one). */
export function httpPost(
  era: "modern" | "legacy",
  body: string,
  extra: Record<string, string | null>,
): (context: CaseContext) => (string | Uint8Array)[] {
  return ({ port, session }) => {
    const bodyBytes = encoder.encode(body);
    const headers: Record<string, string | null> = {
      host: `127.0.0.1:${port}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": era === "modern" ? MODERN : LEGACY,
      ...(era === "legacy" ? { "mcp-session-id": session } : {}),
      "content-length": String(bodyBytes.length),
      connection: "close",
      ...extra,
    };
    let head = "POST /mcp HTTP/1.1\r\n";
    for (const [key, value] of Object.entries(headers)) {
      if (value !== null) head += `${key}: ${value}\r\n`;
    }
    return [encoder.encode(head + "\r\n"), bodyBytes];
  };
}

function validId(value: unknown): value is string | number {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/** The id a server should echo, if `body` is one JSON-RPC request with a valid id. */
function expectedId(body: string): string | number | undefined {
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed) && validId(parsed.id)) {
      return parsed.id;
    }
  } catch {
    // Not JSON: no id to expect.
  }
  return undefined;
}

function modernExtra(method: string, name?: string): Record<string, string> {
  const extra: Record<string, string> = { "mcp-method": method };
  if (name !== undefined) extra["mcp-name"] = name;
  if (name === "sized") extra["mcp-param-size"] = "3";
  return extra;
}

/** A JSON-RPC case: `body` POSTed with the era's headers, `extra` overriding them. */
export function jsonCase(
  category: string,
  era: "modern" | "legacy",
  body: string,
  method: string,
  name: string | undefined,
  extra: Record<string, string | null> = {},
): Case {
  const headers = era === "modern" ? { ...modernExtra(method, name), ...extra } : extra;
  const label = Object.keys(extra).length > 0
    ? JSON.stringify(extra).slice(0, 80)
    : body.slice(0, 80);
  return { category, era, label, id: expectedId(body), build: httpPost(era, body, headers) };
}
