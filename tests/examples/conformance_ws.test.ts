/** The conformance fixture server answers WebSocket on its /mcp URL, in both eras. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectClient } from "../../client/client.ts";
import {
  environment,
  executablePath,
  fromFileUrl,
  runtimeName,
  spawnProcess,
} from "../../runtime/mod.ts";
import { within } from "../async.ts";
import { childLines } from "../child_lines.ts";

const SERVER = fromFileUrl(new URL("../../examples/conformance/server.ts", import.meta.url));

test("examples/conformance/server.ts accepts WebSocket connections at /mcp", async () => {
  const prefix = runtimeName() === "deno" ? ["run", "-A"] : [];
  const child = spawnProcess(executablePath(), [...prefix, SERVER], {
    env: { ...environment(), PORT: "0" },
    stderr: "pipe",
  });
  const output = childLines(child.stderr!);
  try {
    const [, url] = await output.match(/listening on (\S+)/, "the server's URL");
    for (const era of ["modern", "legacy"] as const) {
      const client = await connectClient(url.replace(/^http/, "ws"), { name: "t", version: "1" }, {
        era,
      });
      try {
        assert.equal(client.era, era);
        assert.ok((await client.listTools()).length > 0);
      } finally {
        await client.close();
      }
    }
  } finally {
    child.kill("SIGTERM");
    await within(child.exited, 10_000, "the server to exit");
  }
});
