/** emcee's WebSocket client against emcee's WebSocket server, in both eras. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../../client/mod.ts";
import type { ClientOptions } from "../../../client/mod.ts";
import type { JsonRpcNotification } from "../../../protocol/mod.ts";
import { runtimeName } from "../../../runtime/mod.ts";
import { deferred, exercise, startLocal, within } from "./helpers.ts";

const info = { name: "ws-test", version: "1.0.0" };
const handlers: ClientOptions["handlers"] = {
  elicit: () => ({ action: "accept", content: { name: "Ada" } }),
};

describe(`MCP over WebSocket, server on ${runtimeName()}`, () => {
  for (const era of ["modern", "legacy"] as const) {
    test(`${era} era: every method, subscriptions`, async () => {
      const local = await startLocal();
      const client = new McpClient(info, {
        handlers,
        eraCache: false,
        era: era === "legacy" ? "legacy" : undefined,
      });
      try {
        await client.connect(local.url);
        assert.equal(client.era, era);
        await exercise(client);
        const changed = deferred<JsonRpcNotification>();
        const unsubscribe = await client.subscribe({ resourceSubscriptions: ["test://a"] }, (n) => {
          if (n.method === "notifications/resources/updated") changed.resolve(n);
        });
        local.server.resourceUpdated("test://a");
        assert.equal((await within(changed.promise, 10_000, "the update")).params?.uri, "test://a");
        await unsubscribe();
      } finally {
        await client.close();
        await local.http.close();
      }
    });
  }
});
