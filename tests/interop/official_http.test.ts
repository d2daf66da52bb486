/**
 * The official TypeScript SDK clients (2.x in both eras, 1.x legacy) against
 * the demo server served over Streamable HTTP on 127.0.0.1.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyHttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { createDemoServer } from "../../examples/demo/server.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { exerciseAll } from "./fixtures/exercise.ts";
import { within } from "./fixtures/helpers.ts";

interface Recorded {
  method: string;
  protocolVersionHeader: string | null;
  body: { [key: string]: unknown } | undefined;
}

/** A fetch that records every request the client sends before passing it on. */
function recordingFetch(log: Recorded[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const text = request.method === "POST" ? await request.clone().text() : "";
    log.push({
      method: request.method,
      protocolVersionHeader: request.headers.get("mcp-protocol-version"),
      body: text ? JSON.parse(text) : undefined,
    });
    return fetch(request);
  };
}

const ELICITATION_ANSWER = { action: "accept", content: { name: "Ada" } } as const;
const TIMEOUT = 10_000;

describe("official clients over Streamable HTTP", () => {
  let http: HttpServerHandle;
  let url: URL;

  before(async () => {
    const handler = createHttpHandler(createDemoServer());
    http = await serveHttp(handler, { port: 0, hostname: "127.0.0.1" });
    url = new URL(`${http.url}/mcp`);
  });

  after(async () => {
    await http.close();
  });

  const modes = [
    { label: "legacy (2025-11-25)", mode: "legacy" as const, version: "2025-11-25" },
    { label: "auto negotiation (2026-07-28)", mode: "auto" as const, version: "2026-07-28" },
    { label: "pinned 2026-07-28", mode: { pin: "2026-07-28" }, version: "2026-07-28" },
  ];

  for (const { label, mode, version } of modes) {
    test(`@modelcontextprotocol/client 2.x, ${label}`, async () => {
      const log: Recorded[] = [];
      const asked: string[] = [];
      const client = new Client(
        { name: "interop-2x", version: "1.0.0" },
        { capabilities: { elicitation: {} }, versionNegotiation: { mode } },
      );
      client.setRequestHandler("elicitation/create", (request) => {
        asked.push(String((request.params as { message?: unknown }).message));
        return Promise.resolve(ELICITATION_ANSWER);
      });
      const transport = new StreamableHTTPClientTransport(url, { fetch: recordingFetch(log) });
      try {
        await within(client.connect(transport), TIMEOUT, "connect");
        assert.equal(client.getNegotiatedProtocolVersion(), version);
        assert.equal(client.getServerVersion()?.name, "emcee-demo");
        await exerciseAll(client, TIMEOUT);
      } finally {
        await client.close();
      }
      assert.deepEqual(asked, ["What should I call you?"]);

      const calls = log.filter((r) =>
        r.body?.method === "tools/call" &&
        (r.body.params as { name?: unknown }).name === "greet_user"
      );
      if (version === "2026-07-28") {
        assert.ok(!log.some((r) => r.body?.method === "initialize"), "no initialize when modern");
        // The multi-round trip: the retry carries the answer and the echoed requestState.
        assert.equal(calls.length, 2);
        const retry = calls[1].body!.params as { [key: string]: unknown };
        assert.deepEqual(retry.inputResponses, { name: ELICITATION_ANSWER });
        assert.equal(typeof retry.requestState, "string");
        assert.ok(
          log.filter((r) => r.method === "POST").every((r) =>
            r.protocolVersionHeader === "2026-07-28"
          ),
        );
      } else {
        assert.equal(log.find((r) => r.method === "POST")?.body?.method, "initialize");
        // The answer came back as a JSON-RPC response to the server's request.
        assert.equal(calls.length, 1);
        const answer = log.find((r) => r.body && "result" in r.body);
        assert.deepEqual(answer?.body?.result, ELICITATION_ANSWER);
      }
    });
  }

  test("@modelcontextprotocol/sdk 1.x (legacy era)", async () => {
    const log: Recorded[] = [];
    const client = new LegacyClient(
      { name: "interop-1x", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    client.setRequestHandler(ElicitRequestSchema, () => Promise.resolve(ELICITATION_ANSWER));
    const transport = new LegacyHttpTransport(url, { fetch: recordingFetch(log) });
    try {
      await within(client.connect(transport), TIMEOUT, "connect");
      assert.equal(client.getServerVersion()?.name, "emcee-demo");
      assert.equal(transport.protocolVersion, "2025-11-25");
      assert.equal(typeof transport.sessionId, "string");
      await exerciseAll(client, TIMEOUT);
      await transport.terminateSession();
    } finally {
      await client.close();
    }
    assert.ok(log.some((r) => r.method === "DELETE"), "the session was terminated");
  });
});
