/**
 * The official TypeScript SDK clients (2.x in both eras, 1.x legacy) against
 * `examples/demo/server.ts --stdio`, spawned with the current runtime.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport as LegacyStdioTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { exerciseAll } from "./fixtures/exercise.ts";
import { demoStdioCommand, within } from "./fixtures/helpers.ts";
import { getEnv } from "../../runtime/mod.ts";

const ELICITATION_ANSWER = { action: "accept", content: { name: "Ada" } } as const;
const TIMEOUT = 15_000;

/** The spawn parameters: the demo server on this runtime, a minimal environment. */
function serverParameters(): { command: string; args: string[]; env: Record<string, string> } {
  const env: Record<string, string> = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const value = getEnv(name);
    if (value !== undefined) env[name] = value;
  }
  return { ...demoStdioCommand(), env };
}

describe("official clients over stdio", () => {
  const modes = [
    { label: "legacy (2025-11-25)", mode: "legacy" as const, version: "2025-11-25" },
    { label: "auto negotiation (2026-07-28)", mode: "auto" as const, version: "2026-07-28" },
  ];

  for (const { label, mode, version } of modes) {
    test(`@modelcontextprotocol/client 2.x, ${label}`, async () => {
      const client = new Client(
        { name: "interop-2x", version: "1.0.0" },
        { capabilities: { elicitation: {} }, versionNegotiation: { mode } },
      );
      client.setRequestHandler("elicitation/create", () => Promise.resolve(ELICITATION_ANSWER));
      const transport = new StdioClientTransport(serverParameters());
      try {
        await within(client.connect(transport), TIMEOUT, "connect");
        assert.equal(client.getNegotiatedProtocolVersion(), version);
        assert.equal(client.getServerVersion()?.name, "emcee-demo");
        await exerciseAll(client, TIMEOUT);
      } finally {
        await client.close();
      }
    });
  }

  test("@modelcontextprotocol/sdk 1.x (legacy era)", async () => {
    const client = new LegacyClient(
      { name: "interop-1x", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    client.setRequestHandler(ElicitRequestSchema, () => Promise.resolve(ELICITATION_ANSWER));
    const transport = new LegacyStdioTransport(serverParameters());
    try {
      await within(client.connect(transport), TIMEOUT, "connect");
      assert.equal(client.getServerVersion()?.name, "emcee-demo");
      await exerciseAll(client, TIMEOUT);
    } finally {
      await client.close();
    }
  });
});
