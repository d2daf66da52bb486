/**
 * `createProxyServer` given a URL or a stdio command (the proxy's own client,
 * closed with it), and proxies mounted into one server.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/client.ts";
import type { ClientOptions } from "../../client/options.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { createProxyServer } from "../../server/proxy/mod.ts";
import { McpServer } from "../../server/server.ts";
import { connectServer } from "../../transports/connect.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { demoStdioCommand } from "../interop/fixtures/helpers.ts";
import { BOARD_URI, createAppsServer } from "../../examples/apps/server.ts";
import { APP_MIME_TYPE, APPS_EXTENSION } from "../../server/apps/mod.ts";

const quiet = { onWarning: () => {} };

function remoteServer(): McpServer {
  const server = new McpServer({ name: "remote", version: "2.0.0" }, { instructions: "Remote." });
  server.tool({
    name: "echo",
    input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    handler: ({ text }: { text: string }) => `echo: ${text}`,
  });
  server.tool({
    name: "ask",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      }, { key: "name" });
      return `${answer.action}:${String(answer.content?.name)}`;
    },
  });
  server.resource({ uri: "note://one", name: "one", read: () => "note one" });
  server.prompt({ name: "hello", get: () => "Say hello" });
  return server;
}

async function local(server: McpServer, options: ClientOptions = {}): Promise<McpClient> {
  const [clientSide, serverSide] = createMemoryPair();
  await connectServer(server, serverSide);
  const client = new McpClient({ name: "local", version: "1" }, {
    eraCache: false,
    handlers: { elicit: () => ({ action: "accept", content: { name: "Ada" } }) },
    ...options,
  });
  await client.connect(clientSide);
  return client;
}

function text(result: { content: unknown[] }): string {
  return (result.content[0] as { text: string }).text;
}

describe("proxy of a URL", () => {
  for (const era of ["modern", "legacy"] as const) {
    test(`${era} remote: served, input relayed, own client closed on close()`, async () => {
      const http = await serveHttp(createHttpHandler(remoteServer()), { onError: () => {} });
      try {
        const proxy = await createProxyServer(`${http.url}/mcp`, {
          ...quiet,
          client: { era: era === "legacy" ? "legacy" : undefined, eraCache: false, ...quiet },
        });
        const own = proxy.client;
        assert.equal(own.era, era);
        assert.equal(proxy.server.info.name, "remote");
        // The relay handlers are declared, so even a legacy remote may ask for input.
        assert.ok(own.capabilities().elicitation);
        assert.ok(own.capabilities().sampling);
        assert.ok(own.capabilities().roots);
        const client = await local(proxy.server);
        try {
          assert.deepEqual((await client.listTools()).map((t) => t.name).sort(), ["ask", "echo"]);
          assert.equal(text(await client.callTool("echo", { text: "hi" })), "echo: hi");
          assert.equal(text(await client.callTool("ask")), "accept:Ada");
          const read = await client.readResource("note://one");
          assert.equal((read.contents[0] as { text: string }).text, "note one");
        } finally {
          await client.close();
        }
        await proxy.close();
        await assert.rejects(own.callTool("echo", { text: "after" }));
      } finally {
        await http.close();
      }
    });
  }

  test("replace(): its own client, taken out, is closed once drained", async () => {
    const http = await serveHttp(createHttpHandler(remoteServer()), { onError: () => {} });
    const next = new McpClient({ name: "next", version: "1" }, { eraCache: false, ...quiet });
    try {
      const proxy = await createProxyServer(`${http.url}/mcp`, {
        ...quiet,
        client: { eraCache: false, ...quiet },
      });
      const own = proxy.client;
      await next.connect(`${http.url}/mcp`);
      const replaced = await proxy.replace(next);
      assert.equal(replaced.client, own);
      assert.equal(proxy.client, next);
      await replaced.drained;
      await assert.rejects(own.callTool("echo", { text: "after" }));
      await proxy.close();
      // A client given by replace() stays its owner's.
      assert.equal(text(await next.callTool("echo", { text: "next" })), "echo: next");
    } finally {
      await next.close();
      await http.close();
    }
  });

  test("a given client stays open after close()", async () => {
    const http = await serveHttp(createHttpHandler(remoteServer()), { onError: () => {} });
    const upstream = new McpClient({ name: "owner", version: "1" }, { eraCache: false });
    try {
      await upstream.connect(`${http.url}/mcp`);
      const proxy = await createProxyServer(upstream, quiet);
      assert.equal(proxy.client, upstream);
      await proxy.close();
      assert.equal(text(await upstream.callTool("echo", { text: "still" })), "echo: still");
    } finally {
      await upstream.close();
      await http.close();
    }
  });

  test("an unreachable URL fails with the cause kept", async () => {
    const http = await serveHttp(() => new Response("gone", { status: 404 }), {
      onError: () => {},
    });
    try {
      await assert.rejects(
        createProxyServer(`${http.url}/mcp`, { client: { eraCache: false, ...quiet } }),
        (error: Error) => {
          assert.match(error.message, /The proxy could not connect to http:/);
          assert.ok(error.cause instanceof Error);
          return true;
        },
      );
    } finally {
      await http.close();
    }
  });

  test("what is neither a client, a URL nor a command is refused", async () => {
    await assert.rejects(
      createProxyServer({ nope: 1 } as never),
      (error: Error) =>
        error instanceof TypeError && /McpClient, a URL or a stdio/.test(error.message),
    );
  });
});

describe("proxy of a stdio command", () => {
  test("spawns the server, relays input, and ends the child on close()", async () => {
    const proxy = await createProxyServer(
      { ...demoStdioCommand(), stderr: "ignore" },
      { ...quiet, clientInfo: { name: "stdio-proxy", version: "1" } },
    );
    const own = proxy.client;
    assert.equal(proxy.server.info.name, "emcee-demo");
    const client = await local(proxy.server);
    try {
      assert.deepEqual(await client.callToolStructured("add", { numbers: [1, 2, 3] }), { sum: 6 });
      assert.equal(text(await client.callTool("greet_user")), "Hello, Ada!");
    } finally {
      await client.close();
    }
    await proxy.close();
    await assert.rejects(own.listTools({ fresh: true }));
  });
});

describe("proxies mounted into one server", () => {
  test("two proxies, under two prefixes, each reach their remote", async () => {
    const http = await serveHttp(createHttpHandler(remoteServer()), { onError: () => {} });
    const remote = await createProxyServer(`${http.url}/mcp`, {
      ...quiet,
      client: { eraCache: false, ...quiet },
    });
    const demo = await createProxyServer({ ...demoStdioCommand(), stderr: "ignore" }, quiet);
    const app = new McpServer({ name: "app", version: "1" }, quiet);
    app.tool({ name: "hello", handler: () => "local hello" });
    app.mount("remote", remote.server);
    app.mount("demo", demo.server);
    const client = await local(app);
    try {
      const names = (await client.listTools()).map((t) => t.name);
      for (const name of ["hello", "remote_echo", "remote_ask", "demo_add", "demo_greet_user"]) {
        assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
      }
      assert.equal(text(await client.callTool("hello")), "local hello");
      assert.equal(text(await client.callTool("remote_echo", { text: "x" })), "echo: x");
      assert.deepEqual(await client.callToolStructured("demo_add", { numbers: [2, 2] }), {
        sum: 4,
      });
      // Input asked by a remote travels through the proxy and the mount to the app's caller.
      assert.equal(text(await client.callTool("remote_ask")), "accept:Ada");
      assert.equal(text(await client.callTool("demo_greet_user")), "Hello, Ada!");
      const read = await client.readResource("note://remote/one");
      assert.deepEqual(read.contents, [{ uri: "note://remote/one", text: "note one" }]);
      const prompt = await client.getPrompt("remote_hello");
      assert.deepEqual(prompt.messages[0].content, { type: "text", text: "Say hello" });
      const instructions = client.instructions ?? "";
      assert.match(instructions, /## remote\nRemote\./);
      assert.match(instructions, /## demo\nA demo server/);
    } finally {
      await client.close();
      await Promise.all([remote.close(), demo.close()]);
      await http.close();
    }
  });
});

describe("proxy of an MCP Apps server", () => {
  for (const era of ["modern", "legacy"] as const) {
    test(`${era} era: the ui extension, the board and the tools' _meta.ui come through`, async () => {
      const http = await serveHttp(createHttpHandler(createAppsServer(() => 0)), {
        onError: () => {},
      });
      const proxy = await createProxyServer(`${http.url}/mcp`, {
        ...quiet,
        client: { era: era === "legacy" ? "legacy" : undefined, eraCache: false, ...quiet },
      });
      const host = await local(proxy.server, {
        era: era === "legacy" ? "legacy" : undefined,
        capabilities: { extensions: { [APPS_EXTENSION]: { mimeTypes: [APP_MIME_TYPE] } } },
      });
      try {
        assert.deepEqual(host.serverCapabilities.extensions, { [APPS_EXTENSION]: {} });
        const roll = (await host.listTools()).find((tool) => tool.name === "roll")!;
        assert.deepEqual(roll._meta?.ui, { resourceUri: BOARD_URI });
        const read = await host.readResource(BOARD_URI);
        assert.equal((read.contents[0] as { mimeType: string }).mimeType, APP_MIME_TYPE);
        assert.deepEqual(read.contents[0]._meta, { ui: { csp: {}, prefersBorder: true } });
      } finally {
        await host.close();
        await proxy.close();
        await http.close();
      }
    });
  }
});
