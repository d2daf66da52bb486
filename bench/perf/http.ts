// The HTTP rows: one server child per kind, the request each is loaded with (a 2025-11-25 session
// is opened first where the server has sessions), and a check of one answer before any timing.

import type { HttpMode } from "./fixtures.ts";
import { type Kind, type LineChild, type Runtime, spawnChild } from "./children.ts";
import type { LoadRequest } from "./load.ts";

/** A started HTTP bench server. */
export interface HttpChild {
  kind: Kind;
  child: LineChild;
  request: LoadRequest;
  /** CPU µs so far and RSS MB now. */
  stats(): Promise<{ cpuUs: number; rssMb: number }>;
}

const ACCEPT = "application/json, text/event-stream";
const EXPECT = '"text":"5"';

function modernRequest(url: string): LoadRequest {
  return {
    url,
    headers: {
      "content-type": "application/json",
      accept: ACCEPT,
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": "add",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "add",
        arguments: { a: 2, b: 3 },
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
        },
      },
    }),
    expect: EXPECT,
  };
}

/** Opens a 2025-11-25 session (initialize, then notifications/initialized); returns its id. */
async function openSession(url: string): Promise<string> {
  const headers = { "content-type": "application/json", accept: ACCEPT };
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "bench", version: "0.0.0" },
      },
    }),
  });
  const text = await response.text();
  const id = response.headers.get("mcp-session-id");
  if (!id || !text.includes("2025-11-25")) throw new Error(`initialize failed: ${text}`);
  const sessionHeaders = { ...headers, "mcp-session-id": id, "mcp-protocol-version": "2025-11-25" };
  const initialized = await fetch(url, {
    method: "POST",
    headers: sessionHeaders,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await initialized.text();
  return id;
}

async function sessionRequest(url: string, kind: Kind, sse: boolean): Promise<LoadRequest> {
  const headers: { [name: string]: string } = {
    "content-type": "application/json",
    accept: ACCEPT,
    "mcp-protocol-version": "2025-11-25",
  };
  // The raw server has no sessions; it gets the same request without the id.
  if (kind !== "raw") headers["mcp-session-id"] = await openSession(url);
  const params: { [key: string]: unknown } = { name: "add", arguments: { a: 2, b: 3 } };
  // A progress token makes the tool report progress, which makes emcee answer with SSE.
  if (sse) params._meta = { progressToken: 1 };
  return {
    url,
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params }),
    expect: EXPECT,
  };
}

/** Starts `kind` in `mode` on `runtime`, prepares its request and checks one answer. */
export async function startHttp(runtime: Runtime, kind: Kind, mode: HttpMode): Promise<HttpChild> {
  const child = spawnChild(runtime, "./http_child.ts", [kind, mode]);
  const { port } = JSON.parse(await child.line()) as { port: number };
  const url = `http://127.0.0.1:${port}/mcp`;
  const request = mode === "stateless"
    ? modernRequest(url)
    : await sessionRequest(url, kind, mode === "session-sse");
  const response = await fetch(url, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const wantType = mode === "session-sse" ? "text/event-stream" : "application/json";
  if (response.status !== 200 || !text.includes(EXPECT) || !type.includes(wantType)) {
    throw new Error(`${runtime} ${kind} ${mode}: ${response.status} ${type} ${text.slice(0, 300)}`);
  }
  return {
    kind,
    child,
    request,
    async stats() {
      child.write("stats\n");
      return JSON.parse(await child.line()) as { cpuUs: number; rssMb: number };
    },
  };
}
