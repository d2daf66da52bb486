/**
 * `emcee proxy <url>` end to end: the official clients (`@modelcontextprotocol/sdk` 1.x and
 * `@modelcontextprotocol/client` 2.x) spawn it over stdio on this runtime, and it forwards to an
 * emcee server this test serves over Streamable HTTP; plus its exit codes when the remote cannot
 * be reached.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport as LegacyStdioTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpServer } from "../../server/server.ts";
import { getEnv, type HttpServerHandle, serveHttp, spawnProcess } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { within } from "../async.ts";
import { emceeCommand } from "./emcee_command.ts";

const WAIT = 20_000;

/** `cli/main.ts proxy …` on the runtime running this test. */
function proxyCommand(proxyArgs: string[]): { command: string; args: string[] } {
  return emceeCommand(["proxy", ...proxyArgs]);
}

/** The spawn parameters with a minimal environment (the clients do not pass ours on). */
function proxyParameters(proxyArgs: string[]) {
  const env: Record<string, string> = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const value = getEnv(name);
    if (value !== undefined) env[name] = value;
  }
  return { ...proxyCommand(proxyArgs), env };
}

function remoteServer(): McpServer {
  const server = new McpServer({ name: "proxied-remote", version: "3.1.4" });
  server.tool({
    name: "add",
    description: "Adds two numbers",
    input: {
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    },
    handler: ({ a, b }: { a: number; b: number }) => ({
      content: [{ type: "text", text: String(a + b) }],
    }),
  });
  server.tool({
    name: "shout",
    input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    handler: ({ text }: { text: string }) => ({
      content: [{ type: "text", text: text.toUpperCase() }],
    }),
  });
  return server;
}

/** Runs `emcee proxy` with `args` and stdin closed; its exit code and stderr. */
async function runProxyToEnd(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const { command, args: argv } = proxyCommand(args);
  const child = spawnProcess(command, argv, { stderr: "pipe" });
  try {
    await child.stdin.close();
    const [stderr, exit] = await within(
      Promise.all([new Response(child.stderr).text(), child.exited]),
      WAIT,
      `emcee proxy ${args.join(" ")} to exit`,
    );
    return { code: exit.code, stderr };
  } finally {
    child.kill("SIGKILL");
  }
}

describe("emcee proxy", () => {
  let http: HttpServerHandle;
  let url = "";

  before(async () => {
    http = await serveHttp(createHttpHandler(remoteServer()), { port: 0, hostname: "127.0.0.1" });
    url = `${http.url}/mcp`;
  });

  after(async () => {
    await http.close();
  });

  test("@modelcontextprotocol/sdk 1.x lists and calls tools through it", async () => {
    const client = new LegacyClient({ name: "proxy-1x", version: "1.0.0" });
    const transport = new LegacyStdioTransport(proxyParameters([url]));
    try {
      await within(client.connect(transport), WAIT, "connect through the proxy");
      assert.equal(client.getServerVersion()?.name, "proxied-remote");
      const { tools } = await within(client.listTools(), WAIT, "tools/list");
      assert.deepEqual(tools.map((tool) => tool.name).sort(), ["add", "shout"]);
      const result = await within(
        client.callTool({ name: "add", arguments: { a: 2, b: 40 } }),
        WAIT,
        "tools/call add",
      );
      assert.deepEqual(result.content, [{ type: "text", text: "42" }]);
    } finally {
      await client.close();
    }
  });

  test("@modelcontextprotocol/client 2.x lists and calls tools through it", async () => {
    const client = new Client({ name: "proxy-2x", version: "1.0.0" });
    const transport = new StdioClientTransport(proxyParameters([url]));
    try {
      await within(client.connect(transport), WAIT, "connect through the proxy");
      assert.equal(client.getServerVersion()?.name, "proxied-remote");
      const { tools } = await within(client.listTools(), WAIT, "tools/list");
      assert.deepEqual(tools.map((tool) => tool.name).sort(), ["add", "shout"]);
      const result = await within(
        client.callTool({ name: "shout", arguments: { text: "hi" } }),
        WAIT,
        "tools/call shout",
      );
      assert.deepEqual(result.content, [{ type: "text", text: "HI" }]);
    } finally {
      await client.close();
    }
  });

  test("--header reaches the remote on every request", async () => {
    // A remote of its own, so no other test's proxy adds requests to the record.
    const testHeaders: (string | null)[] = [];
    const handler = createHttpHandler(remoteServer());
    const remote = await serveHttp((request) => {
      testHeaders.push(request.headers.get("x-test"));
      return handler(request);
    }, { port: 0, hostname: "127.0.0.1" });
    const client = new LegacyClient({ name: "proxy-header", version: "1.0.0" });
    const transport = new LegacyStdioTransport(
      proxyParameters(["--header", "X-Test: 1", `${remote.url}/mcp`]),
    );
    try {
      await within(client.connect(transport), WAIT, "connect through the proxy");
      const result = await within(
        client.callTool({ name: "add", arguments: { a: 1, b: 1 } }),
        WAIT,
        "tools/call add",
      );
      assert.deepEqual(result.content, [{ type: "text", text: "2" }]);
    } finally {
      await client.close();
      await remote.close();
    }
    assert.ok(testHeaders.length > 0, "the remote saw no request");
    assert.deepEqual(testHeaders.filter((value) => value !== "1"), []);
  });

  test("an unreachable port exits 3 and says which URL", async () => {
    // A port that was just free: listen on port 0, note it, close it.
    const closed = await serveHttp(() => new Response("gone"), { port: 0, hostname: "127.0.0.1" });
    const deadUrl = `http://127.0.0.1:${closed.port}/mcp`;
    await closed.close();
    const { code, stderr } = await runProxyToEnd([deadUrl]);
    assert.equal(code, 3, stderr);
    assert.match(stderr, /emcee proxy: cannot reach http:\/\/127\.0\.0\.1:\d+\/mcp/);
  });

  test("a reachable server that is not MCP exits 3", async () => {
    const notMcp = await serveHttp(() => new Response("nope", { status: 404 }), {
      port: 0,
      hostname: "127.0.0.1",
    });
    try {
      const { code, stderr } = await runProxyToEnd([`${notMcp.url}/mcp`]);
      assert.equal(code, 3, stderr);
      assert.match(stderr, /emcee proxy: cannot reach/);
    } finally {
      await notMcp.close();
    }
  });

  test("a malformed URL or a bad header is a usage error (exit 2)", async () => {
    const bad = await runProxyToEnd(["not a url"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /emcee proxy: .*URL/i);
    const scheme = await runProxyToEnd(["ftp://127.0.0.1/mcp"]);
    assert.equal(scheme.code, 2, scheme.stderr);
    assert.match(scheme.stderr, /expects an http, https, ws or wss URL, got ftp:/);
    const header = await runProxyToEnd(["--header", "no colon", url]);
    assert.equal(header.code, 2, header.stderr);
    assert.match(header.stderr, /--header expects "Name: value"/);
  });
});
