/**
 * MCP Apps against the official side: the constants and helpers of
 * `@modelcontextprotocol/ext-apps` agree with ours, and the official clients
 * (2.x in both eras, 1.x), declaring the extension the way ext-apps hosts do,
 * see the example dice app's declaration, board and linked tools over
 * Streamable HTTP.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EXTENSION_ID,
  getUiCapability,
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
} from "@modelcontextprotocol/ext-apps/server";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyHttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { BOARD_URI, createAppsServer } from "../../examples/apps/server.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import {
  APP_MIME_TYPE,
  APPS_EXTENSION,
  appsClientSettings,
  LEGACY_RESOURCE_URI_KEY,
} from "../../server/apps/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";

const HOST_CAPABILITIES = { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } };

interface OfficialLike {
  connect(transport: unknown): Promise<void>;
  close(): Promise<void>;
  getServerCapabilities(): { extensions?: { [id: string]: unknown } } | undefined;
  listTools(): Promise<{ tools: { name: string; _meta?: { [key: string]: unknown } }[] }>;
  callTool(params: { name: string; arguments?: { [key: string]: unknown } }): Promise<unknown>;
  readResource(params: { uri: string }): Promise<{ contents: { [key: string]: unknown }[] }>;
}

test("our constants are those of @modelcontextprotocol/ext-apps", () => {
  assert.equal(APPS_EXTENSION, EXTENSION_ID);
  assert.equal(APP_MIME_TYPE, RESOURCE_MIME_TYPE);
  assert.equal(LEGACY_RESOURCE_URI_KEY, RESOURCE_URI_META_KEY);
  assert.deepEqual(appsClientSettings(HOST_CAPABILITIES), getUiCapability(HOST_CAPABILITIES));
});

describe("official clients against the dice app over Streamable HTTP", () => {
  let http: HttpServerHandle;
  let url: URL;
  before(async () => {
    http = await serveHttp(createHttpHandler(createAppsServer(() => 0)), { onError: () => {} });
    url = new URL(`${http.url}/mcp`);
  });
  after(() => http.close());

  const clients: { label: string; make: () => [OfficialLike, unknown] }[] = [
    ...(["auto", "legacy"] as const).map((mode) => ({
      label: `@modelcontextprotocol/client 2.x (${mode})`,
      make: (): [OfficialLike, unknown] => [
        new Client({ name: "host", version: "1" }, {
          capabilities: HOST_CAPABILITIES,
          versionNegotiation: { mode },
        }) as unknown as OfficialLike,
        new StreamableHTTPClientTransport(url),
      ],
    })),
    {
      label: "@modelcontextprotocol/sdk 1.x",
      make: (): [OfficialLike, unknown] => [
        new LegacyClient({ name: "host", version: "1" }, {
          capabilities: HOST_CAPABILITIES,
        }) as unknown as OfficialLike,
        new LegacyHttpTransport(url),
      ],
    },
  ];
  for (const { label, make } of clients) {
    test(label, async () => {
      const [client, transport] = make();
      await client.connect(transport);
      try {
        assert.deepEqual(client.getServerCapabilities()?.extensions?.[EXTENSION_ID], {});
        const { tools } = await client.listTools();
        const roll = tools.find((tool) => tool.name === "roll")!;
        assert.deepEqual(roll._meta?.ui, { resourceUri: BOARD_URI });
        assert.equal(roll._meta?.[RESOURCE_URI_META_KEY], BOARD_URI);
        const read = await client.readResource({ uri: BOARD_URI });
        assert.equal(read.contents[0].mimeType, RESOURCE_MIME_TYPE);
        assert.deepEqual(read.contents[0]._meta, { ui: { csp: {}, prefersBorder: true } });
        // The server read the host's declaration: the text defers to the board.
        const result = await client.callTool({ name: "roll", arguments: { count: 2 } }) as {
          content: { text: string }[];
          structuredContent: unknown;
        };
        assert.deepEqual(result.structuredContent, { rolls: [1, 1] });
        assert.match(result.content[0].text, /the board shows them/);
      } finally {
        await client.close();
      }
    });
  }
});
