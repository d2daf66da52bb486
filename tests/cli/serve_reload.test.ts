/**
 * `emcee serve` with hot reload, end to end: real tool host children, a real
 * HTTP endpoint and a connected client in each era, files edited, added,
 * broken, fixed and deleted while it serves.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectClient, type McpClient } from "../../client/client.ts";
import { joinPath, removeFile, serveHttp, writeTextFile } from "../../runtime/mod.ts";
import { serve, type ServeHandle } from "../../cli/serve.ts";
import type { ReloadOutcome } from "../../cli/tool_supervisor.ts";
import { deferred, within } from "../async.ts";
import { withTempDir } from "../temp.ts";

const DEFINE = new URL("../../cli/define.ts", import.meta.url).href;
const WAIT = 30_000;

function addTool(operation: "+" | "*"): string {
  return `import { tool } from ${JSON.stringify(DEFINE)};
export default tool({
  name: "add",
  description: ${JSON.stringify(operation === "+" ? "adds two numbers" : "multiplies two numbers")},
  input: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
  handler: ({ a, b }: { a: number; b: number }) =>
    ({ content: [{ type: "text", text: String(a ${operation} b) }] }),
});
`;
}

function slowTool(gate: string, version: string): string {
  return `export default {
  name: "slow",
  handler: async () => {
    await (await fetch(${JSON.stringify(gate)})).text();
    return { content: [{ type: "text", text: ${JSON.stringify(version)} }] };
  },
};
`;
}

const MUL = `export const mul = {
  name: "mul",
  handler: ({ a, b }: { a: number; b: number }) => ({ content: [{ type: "text", text: String(a * b) }] }),
};
`;

/** Reload outcomes as they come, and a way to wait for one that matches. */
function reloads() {
  const seen: ReloadOutcome[] = [];
  const waiters: { match: (o: ReloadOutcome) => boolean; resolve: (o: ReloadOutcome) => void }[] =
    [];
  return {
    seen,
    push(outcome: ReloadOutcome): void {
      seen.push(outcome);
      for (const waiter of waiters.splice(0)) {
        if (waiter.match(outcome)) waiter.resolve(outcome);
        else waiters.push(waiter);
      }
    },
    next(what: string, match: (o: ReloadOutcome) => boolean): Promise<ReloadOutcome> {
      const wait = deferred<ReloadOutcome>();
      waiters.push({ match, resolve: wait.resolve });
      return within(wait.promise, WAIT, what);
    },
  };
}

async function text(client: McpClient, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool(name, args);
  const first = result.content[0];
  assert.equal(first?.type, "text");
  return (first as { text: string }).text;
}

async function toolNames(client: McpClient): Promise<string[]> {
  return (await client.listTools()).map((tool) => tool.name).sort();
}

for (const era of ["modern", "legacy"] as const) {
  test(`serve reloads edited, added, broken and deleted tool files (${era} client)`, async () => {
    await withTempDir("emcee-serve-reload", async (dir) => {
      const arrived = deferred();
      const release = deferred();
      const gate = await serveHttp(async () => {
        arrived.resolve();
        await release.promise;
        return new Response("go");
      });
      const outcomes = reloads();
      let handle: ServeHandle | undefined;
      let client: McpClient | undefined;
      try {
        await writeTextFile(joinPath(dir, "add.ts"), addTool("+"));
        await writeTextFile(joinPath(dir, "slow.ts"), slowTool(gate.url, "v1"));
        handle = await serve({
          dirs: [dir],
          directory: dir,
          port: 0,
          watch: true,
          log: () => {},
          onReload: outcomes.push,
        });
        client = await connectClient(handle.url!, { name: "test", version: "1" }, { era });
        assert.equal(client.era, era);
        let changes = 0;
        let changed = deferred();
        await client.subscribe({ toolsListChanged: true }, (notification) => {
          if (notification.method === "notifications/tools/list_changed") {
            changes++;
            changed.resolve();
          }
        });
        assert.deepEqual(await toolNames(client), ["add", "slow"]);
        assert.equal(await text(client, "add", { a: 2, b: 3 }), "5");

        // A call in flight when its file changes finishes on the code it started on.
        const inFlight = text(client, "slow");
        inFlight.catch(() => {}); // Awaited below; a failure before then must not go unhandled.
        await within(arrived.promise, WAIT, "the slow call reaching its gate");

        changed = deferred();
        let reloaded = outcomes.next("reload after editing add.ts", (o) => o.ok);
        await writeTextFile(joinPath(dir, "add.ts"), addTool("*"));
        await writeTextFile(joinPath(dir, "slow.ts"), slowTool(gate.url, "v2"));
        await reloaded;
        // The description changed, so the list did: clients are told. (A change to a handler
        // alone leaves the list as it was, and is not announced.)
        await within(changed.promise, WAIT, "tools/list_changed after the edit");
        assert.equal(await text(client, "add", { a: 2, b: 3 }), "6");

        changed = deferred();
        reloaded = outcomes.next("reload after adding mul.ts", (o) => o.ok && o.counts.tools === 3);
        await writeTextFile(joinPath(dir, "mul.ts"), MUL);
        await reloaded;
        await within(changed.promise, WAIT, "tools/list_changed after adding a file");
        assert.deepEqual(await toolNames(client), ["add", "mul", "slow"]);

        // A broken file is reported with its line; everything else keeps serving.
        const broken = outcomes.next(
          "reload reporting bad.ts",
          (o) => o.ok && o.problems.some((p) => p.file.endsWith("bad.ts")),
        );
        await writeTextFile(
          joinPath(dir, "bad.ts"),
          "export default {\n  name: 'bad' +,\n  handler: () => 1,\n};\n",
        );
        const report = await broken;
        assert.ok(report.ok);
        const problem = report.problems.find((p) => p.file.endsWith("bad.ts"))!;
        assert.equal(problem.line, 2);
        assert.match(problem.message, /\S/);
        assert.equal(await text(client, "mul", { a: 4, b: 5 }), "20");

        changed = deferred();
        const fixed = outcomes.next(
          "reload after fixing bad.ts",
          (o) => o.ok && o.counts.tools === 4,
        );
        await writeTextFile(
          joinPath(dir, "bad.ts"),
          "export default { name: 'bad', handler: () => ({ content: [{ type: 'text', text: 'fixed' }] }) };\n",
        );
        const fixedOutcome = await fixed;
        assert.ok(fixedOutcome.ok);
        assert.deepEqual(fixedOutcome.problems, []);
        await within(changed.promise, WAIT, "tools/list_changed after the fix");
        assert.equal(await text(client, "bad"), "fixed");

        changed = deferred();
        const removed = outcomes.next("reload after deleting", (o) => o.ok && o.counts.tools === 2);
        await removeFile(joinPath(dir, "mul.ts"));
        await removeFile(joinPath(dir, "bad.ts"));
        await removed;
        await within(changed.promise, WAIT, "tools/list_changed after deleting files");
        assert.deepEqual(await toolNames(client), ["add", "slow"]);
        assert.ok(changes >= 4, `list changes seen: ${changes}`);

        release.resolve();
        assert.equal(await within(inFlight, WAIT, "the in-flight call"), "v1");
        assert.equal(await text(client, "slow"), "v2");
      } finally {
        release.resolve();
        await client?.close();
        await handle?.close();
        await gate.close();
      }
    });
  });
}

/**
 * `emcee serve` of `dir` without watching, and a client connected to it (over `ws:` with
 * `webSocket`), for `body`; both closed afterwards.
 */
async function withServed(
  dir: string,
  body: (client: McpClient, handle: ServeHandle) => Promise<void>,
  options: { webSocket?: boolean } = {},
): Promise<void> {
  const handle = await serve({ dirs: [dir], directory: dir, port: 0, watch: false, log: () => {} });
  try {
    const url = options.webSocket ? handle.url!.replace(/^http/, "ws") : handle.url!;
    const client = await connectClient(url, { name: "test", version: "1" });
    try {
      await body(client, handle);
    } finally {
      await client.close();
    }
  } finally {
    await handle.close();
  }
}

test("a tool handler reaches the live registry through its context", async () => {
  await withTempDir("emcee-serve-registry", async (dir) => {
    await writeTextFile(
      joinPath(dir, "names.ts"),
      `import { tool } from ${JSON.stringify(DEFINE)};
export default tool({
  name: "names",
  handler: (_args, context) => ({ content: [{ type: "text", text: context.registry.tools.join(",") }] }),
});
`,
    );
    await withServed(dir, async (client, handle) => {
      assert.equal(await text(client, "names"), "names");
      await writeTextFile(joinPath(dir, "mul.ts"), MUL);
      const outcome = await handle.tools.reload();
      assert.ok(outcome.ok);
      assert.equal(await text(client, "names"), "mul,names"); // files in sorted order
    });
  });
});

test("serve answers over WebSocket on the same URL", async () => {
  await withTempDir("emcee-serve-ws", async (dir) => {
    await writeTextFile(joinPath(dir, "add.ts"), addTool("+"));
    await withServed(dir, async (client) => {
      assert.equal(await text(client, "add", { a: 20, b: 22 }), "42");
    }, { webSocket: true });
  });
});

test("tools see the .env file's variables; the real environment wins", async () => {
  await withTempDir("emcee-serve-dotenv", async (dir) => {
    await writeTextFile(joinPath(dir, ".env"), "GREETING_FOR_TOOLS=from dotenv\nPATH=/nowhere\n");
    await writeTextFile(
      joinPath(dir, "tools.ts"),
      `const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
export const greeting = {
  name: "greeting",
  handler: () => ({ content: [{ type: "text", text: String(env.GREETING_FOR_TOOLS) }] }),
};
export const path = {
  name: "path",
  handler: () => ({ content: [{ type: "text", text: String(env.PATH) }] }),
};
`,
    );
    await withServed(dir, async (client) => {
      assert.equal(await text(client, "greeting"), "from dotenv");
      assert.notEqual(await text(client, "path"), "/nowhere");
    });
  });
});
