/**
 * The proxy in front of official servers: `@modelcontextprotocol/server` 2.x
 * (both eras, over Streamable HTTP) and the reference server-everything
 * (legacy, over stdio). The proxy is served over Streamable HTTP and the
 * official clients (2.x in both eras, 1.x legacy) sweep it: every tool,
 * resource, template and prompt, each compared with the remote's own answer.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyHttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport as LegacyStdioTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { getEnv, serveHttp } from "../../runtime/mod.ts";
import { createProxyServer, type ProxyServer } from "../../server/proxy/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { repoPath, startFixture } from "../client/helpers.ts";
import { sweep, type SweepPlan, type SweptClient } from "./fixtures/proxy_sweep.ts";

const TIMEOUT = 20_000;
const ELICITED = { action: "accept", content: {} } as const;
const SAMPLED = {
  role: "assistant",
  content: { type: "text", text: "hi" },
  model: "test-model",
} as const;
const ROOTS = { roots: [{ uri: "file:///workspace", name: "workspace" }] };
// What the proxy's own client declares (its relay handlers), so the remote offers both the same.
const CAPABILITIES = { elicitation: { form: {}, url: {} }, sampling: {}, roots: {} };
/** A form elicitation accepted empty, a URL one accepted (it has no content). */
const elicited = (request: { params: { mode?: string } }) =>
  Promise.resolve(request.params.mode === "url" ? { action: "accept" as const } : ELICITED);

/** The official clients that sweep: 2.x negotiating (modern where offered) or legacy, and 1.x. */
type Kind = "2.x auto" | "2.x legacy" | "1.x";
const KINDS: Kind[] = ["2.x auto", "2.x legacy", "1.x"];

interface Official extends SweptClient {
  close(): Promise<void>;
}

/** An official client of `kind` with handlers for elicitation, sampling and roots. */
function official(kind: Kind): Official & { connect(transport: unknown): Promise<void> } {
  const info = { name: `proxy-interop-${kind}`, version: "1.0.0" };
  if (kind === "1.x") {
    const client = new LegacyClient(info, { capabilities: CAPABILITIES });
    client.setRequestHandler(ElicitRequestSchema, elicited);
    client.setRequestHandler(CreateMessageRequestSchema, () => Promise.resolve(SAMPLED));
    client.setRequestHandler(ListRootsRequestSchema, () => Promise.resolve(ROOTS));
    return client as unknown as Official & { connect(transport: unknown): Promise<void> };
  }
  const client = new Client(info, {
    capabilities: CAPABILITIES,
    versionNegotiation: { mode: kind === "2.x auto" ? "auto" : "legacy" },
  });
  client.setRequestHandler("elicitation/create", elicited);
  client.setRequestHandler("sampling/createMessage", () => Promise.resolve(SAMPLED));
  client.setRequestHandler("roots/list", () => Promise.resolve(ROOTS));
  return client as unknown as Official & { connect(transport: unknown): Promise<void> };
}

/** `kind` connected over Streamable HTTP to `url`. */
async function overHttp(kind: Kind, url: string): Promise<Official> {
  const client = official(kind);
  const transport = kind === "1.x"
    ? new LegacyHttpTransport(new URL(url))
    : new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return client;
}

/** The proxy served over Streamable HTTP, swept by `kind`, and torn down after. */
async function sweepProxy(
  proxy: ProxyServer,
  direct: Official,
  kind: Kind,
  plan: SweepPlan,
): Promise<ReturnType<typeof sweep>> {
  const http = await serveHttp(createHttpHandler(proxy.server), { onError: () => {} });
  let proxied: Official | undefined;
  try {
    proxied = await overHttp(kind, `${http.url}/mcp`);
    return await sweep(direct, proxied, plan);
  } finally {
    await proxied?.close();
    await direct.close();
    await proxy.close();
    await http.close();
  }
}

/** `plan`, with the caching hints out of the comparison when the two sides' eras differ. */
function eraPlan(plan: SweepPlan, remoteEra: "modern" | "legacy", kind: Kind): SweepPlan {
  const localEra = kind === "2.x auto" ? "modern" : "legacy";
  return localEra === remoteEra ? plan : { ...plan, eraBound: ["ttlMs", "cacheScope"] };
}

describe("proxy of the official @modelcontextprotocol/server 2.x", () => {
  // `confirm` asks for input (MRTR); the rest are plain.
  const plan: SweepPlan = { timeoutMs: TIMEOUT, promptArguments: { greet: { who: "Ada" } } };
  for (const era of ["modern", "legacy"] as const) {
    for (const kind of KINDS) {
      test(`${era} remote, swept by the ${kind} client`, async () => {
        const fixture = await startFixture("tests/client/fixtures/sdk2_server.mjs");
        try {
          const proxy = await createProxyServer(fixture.url, {
            onWarning: () => {},
            client: { era, eraCache: false, onWarning: () => {} },
          });
          assert.equal(proxy.client.era, era);
          assert.equal(proxy.server.info.name, "sdk2-fixture");
          // Compared with a direct client of the era the proxy speaks to the remote in.
          const direct = await overHttp(era === "modern" ? "2.x auto" : "2.x legacy", fixture.url);
          const report = await sweepProxy(proxy, direct, kind, eraPlan(plan, era, kind));
          assert.deepEqual(report.tools.sort(), ["add", "confirm", "fail", "half"]);
          assert.deepEqual(report.resources, ["note://one"]);
          assert.deepEqual(report.prompts, ["greet"]);
          assert.ok(report.failedAlike.includes("fail"));
        } finally {
          await fixture.stop();
        }
      });
    }
  }
});

/** server-everything over stdio, a minimal environment. */
function everythingCommand(): { command: string; args: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR"]) {
    const value = getEnv(name);
    if (value !== undefined) env[name] = value;
  }
  return { command: repoPath("node_modules/.bin/mcp-server-everything"), args: ["stdio"], env };
}

describe("proxy of the reference server-everything over stdio", () => {
  const plan: SweepPlan = {
    timeoutMs: TIMEOUT,
    toolArguments: {
      // Its default input is a URL on the internet; tests stay offline.
      "gzip-file-as-resource": {
        name: "hi.gz",
        data: "data:text/plain;base64,aGVsbG8=",
        outputType: "resource",
      },
      // Its defaults take 10 s.
      "trigger-long-running-operation": { duration: 0.2, steps: 2 },
    },
    promptArguments: {
      "resource-prompt": { resourceType: "Text", resourceId: "1" },
      "completable-prompt": { department: "Engineering", name: "Alice" },
    },
    // Each instance toggles its own state, names its own session or reads its own environment.
    varying: ["get-env", "toggle-simulated-logging", "toggle-subscriber-updates"],
    // It needs a task-augmented call, which the 1.x and 2.x clients refuse to make plainly; the
    // proxy does not mirror `execution.taskSupport`, so its callers get the remote's refusal.
    failing: ["simulate-research-query"],
  };
  for (const kind of KINDS) {
    test(`swept by the ${kind} client`, async () => {
      const proxy = await createProxyServer({ ...everythingCommand(), stderr: "ignore" }, {
        onWarning: () => {},
        client: { eraCache: false, onWarning: () => {} },
      });
      assert.equal(proxy.client.era, "legacy");
      const direct = official("1.x");
      await direct.connect(new LegacyStdioTransport({ ...everythingCommand(), stderr: "ignore" }));
      const report = await sweepProxy(proxy, direct, kind, eraPlan(plan, "legacy", kind));
      assert.ok(report.tools.length >= 16, report.tools.join(", "));
      for (const tool of ["trigger-elicitation-request", "trigger-sampling-request"]) {
        assert.ok(!report.failedAlike.includes(tool), `${tool} relayed its request`);
      }
      assert.ok(report.resources.length >= 9);
      assert.equal(report.prompts.length, 4);
    });
  }
});
