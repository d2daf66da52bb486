/**
 * MCP Apps (`io.modelcontextprotocol/ui`, SEP-1865): declared only when
 * configured, in both eras; `ui://` resources with the app MIME type and
 * `_meta.ui`; tools linked through `_meta.ui`; the client's settings read per
 * request; and the example dice app.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/client.ts";
import {
  APP_MIME_TYPE,
  APPS_EXTENSION,
  appsClientSettings,
  appTool,
  clientRendersApps,
  createAppsExtension,
  LEGACY_RESOURCE_URI_KEY,
} from "../../server/apps/mod.ts";
import { McpServer } from "../../server/server.ts";
import { connectServer } from "../../transports/connect.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { BOARD_URI, createAppsServer } from "../../examples/apps/server.ts";

type Era = "modern" | "legacy";
const ERAS: Era[] = ["modern", "legacy"];
const RENDERS = { extensions: { [APPS_EXTENSION]: { mimeTypes: [APP_MIME_TYPE] } } };

async function connect(server: McpServer, era: Era, renders: boolean): Promise<McpClient> {
  const [clientSide, serverSide] = createMemoryPair();
  await connectServer(server, serverSide);
  const client = new McpClient({ name: "host", version: "1" }, {
    era: era === "legacy" ? "legacy" : undefined,
    eraCache: false,
    capabilities: renders ? RENDERS : undefined,
  });
  await client.connect(clientSide);
  assert.equal(client.era, era);
  return client;
}

function appServer(): McpServer {
  const server = new McpServer({ name: "apps", version: "1" }, {
    apps: {
      apps: [{
        uri: "ui://weather/view.html",
        name: "weather-view",
        title: "Weather",
        html: (context) => `<p>era ${context.era}</p>`,
        csp: { connectDomains: ["https://api.example.com"], resourceDomains: [] },
        permissions: { geolocation: {} },
        domain: "weather.example",
        prefersBorder: false,
      }, { uri: "ui://weather/plain.html", name: "plain", html: "<p>plain</p>" }],
    },
  });
  server.tool(appTool({
    name: "forecast",
    _meta: { "com.example/kept": true },
    handler: (_args, context) => clientRendersApps(context.clientCapabilities) ? "app" : "text",
  }, { resourceUri: "ui://weather/view.html" }));
  server.tool(appTool({ name: "refresh", handler: () => "ok" }, {
    resourceUri: "ui://weather/view.html",
    visibility: ["app"],
  }));
  return server;
}

for (const era of ERAS) {
  describe(`MCP Apps, ${era} era`, () => {
    test("not declared by a server without the apps option", async () => {
      const server = new McpServer({ name: "plain", version: "1" });
      server.tool({ name: "x", handler: () => "x" });
      const client = await connect(server, era, true);
      try {
        assert.equal(client.serverCapabilities.extensions?.[APPS_EXTENSION], undefined);
      } finally {
        await client.close();
      }
    });

    test("declared when configured; UIs listed and read with their MIME type and _meta.ui", async () => {
      const client = await connect(appServer(), era, true);
      try {
        assert.deepEqual(client.serverCapabilities.extensions?.[APPS_EXTENSION], {});
        const resources = await client.listResources();
        assert.deepEqual(resources.map((r) => [r.uri, r.mimeType]), [
          ["ui://weather/view.html", APP_MIME_TYPE],
          ["ui://weather/plain.html", APP_MIME_TYPE],
        ]);
        const ui = {
          csp: { connectDomains: ["https://api.example.com"], resourceDomains: [] },
          permissions: { geolocation: {} },
          domain: "weather.example",
          prefersBorder: false,
        };
        assert.deepEqual(resources[0]._meta, { ui });
        assert.equal(resources[0].title, "Weather");
        assert.equal(resources[1]._meta, undefined);
        const read = await client.readResource("ui://weather/view.html");
        assert.deepEqual(read.contents, [{
          uri: "ui://weather/view.html",
          mimeType: APP_MIME_TYPE,
          text: `<p>era ${era}</p>`,
          _meta: { ui },
        }]);
        const plain = await client.readResource("ui://weather/plain.html");
        assert.deepEqual(plain.contents, [{
          uri: "ui://weather/plain.html",
          mimeType: APP_MIME_TYPE,
          text: "<p>plain</p>",
        }]);
      } finally {
        await client.close();
      }
    });

    test("tools carry _meta.ui (and the legacy key); handlers see the client's settings", async () => {
      const server = appServer();
      const host = await connect(server, era, true);
      const plain = await connect(server, era, false);
      try {
        const tools = await host.listTools();
        const forecast = tools.find((t) => t.name === "forecast")!;
        assert.deepEqual(forecast._meta, {
          "com.example/kept": true,
          ui: { resourceUri: "ui://weather/view.html" },
          [LEGACY_RESOURCE_URI_KEY]: "ui://weather/view.html",
        });
        const refresh = tools.find((t) => t.name === "refresh")!;
        assert.deepEqual(refresh._meta?.ui, {
          resourceUri: "ui://weather/view.html",
          visibility: ["app"],
        });
        assert.deepEqual(await host.callToolContent("forecast"), [{ type: "text", text: "app" }]);
        assert.deepEqual(await plain.callToolContent("forecast"), [{ type: "text", text: "text" }]);
      } finally {
        await host.close();
        await plain.close();
      }
    });

    test("the example dice app: the board, the linked tools, text for plain clients", async () => {
      const server = createAppsServer(() => 0.5);
      const host = await connect(server, era, true);
      const plain = await connect(server, era, false);
      try {
        const board = await host.readResource(BOARD_URI);
        const content = board.contents[0] as { mimeType: string; text: string };
        assert.equal(content.mimeType, APP_MIME_TYPE);
        assert.match(content.text, /ui\/initialize/);
        assert.match(content.text, /ui\/notifications\/tool-result/);
        const tools = await host.listTools();
        for (const tool of tools) {
          assert.equal((tool._meta?.ui as { resourceUri: string }).resourceUri, BOARD_URI);
        }
        const rolled = await host.callTool("roll", { count: 3 });
        assert.deepEqual(rolled.structuredContent, { rolls: [4, 4, 4] });
        assert.match((rolled.content[0] as { text: string }).text, /the board shows them/);
        const text = await plain.callTool("roll", { count: 2 });
        assert.deepEqual(text.content, [{ type: "text", text: "Rolled 4, 4 (total 8)." }]);
      } finally {
        await host.close();
        await plain.close();
      }
    });
  });
}

describe("MCP Apps definitions", () => {
  test("a UI outside ui://, or defined twice, is refused", () => {
    assert.throws(
      () => createAppsExtension({ apps: [{ uri: "https://x/view", name: "v", html: "" }] }),
      /must start with "ui:\/\/"/,
    );
    assert.throws(
      () =>
        createAppsExtension({
          apps: [{ uri: "ui://a", name: "a", html: "" }, { uri: "ui://a", name: "b", html: "" }],
        }),
      /defined twice/,
    );
    assert.throws(
      () => appTool({ name: "t" }, { resourceUri: "file:///view.html" }),
      /resourceUri must start with "ui:\/\/"/,
    );
  });

  test("the client's settings: declared, or not, or malformed", () => {
    assert.deepEqual(appsClientSettings(RENDERS), { mimeTypes: [APP_MIME_TYPE] });
    assert.equal(clientRendersApps(RENDERS), true);
    assert.equal(clientRendersApps(RENDERS, "text/html;profile=other"), false);
    assert.equal(appsClientSettings({}), undefined);
    assert.equal(clientRendersApps(undefined), false);
    assert.equal(clientRendersApps({ extensions: { [APPS_EXTENSION]: {} } }), false);
    assert.equal(appsClientSettings({ extensions: { [APPS_EXTENSION]: [] as never } }), undefined);
  });
});
