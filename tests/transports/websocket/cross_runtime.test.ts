/**
 * Cross-runtime pairs (a call, progress, elicitation/MRTR, a subscription that receives the
 * resource update and tools list change the server announces, cancellation by the client, and
 * cancellation by a closed socket: the handler's signal aborts, at once in 2026-07-28 and after
 * the short grace period of the fixture in the legacy era, as the client then asks the server):
 * the MCP WebSocket server on one runtime and the client on another, all
 * six ordered pairs of Deno, Bun and Node, in both eras, one client each. Both ends are
 * child processes, so the matrix is the same whichever runtime runs the test; it is registered
 * only in the Node run of this file (the Deno and Bun runs would repeat the very same twelve
 * calls). Every run also serves in process, on the runtime running it, to clients on the other
 * two runtimes; client_server.test.ts covers each runtime with itself.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runtimeName, spawnProcess } from "../../../runtime/mod.ts";
import { addCrossRuntimeTools, RESUME_GRACE_MS } from "./fixtures/cross_runtime_tools.ts";
import { runtimeCommand, startLocal, startRemote } from "./helpers.ts";

const RUNTIMES = ["deno", "bun", "node"] as const;
type Runtime = typeof RUNTIMES[number];

/** Runs the client fixture on `runtime` against `url`; its one JSON line of output. */
async function runClient(runtime: Runtime, url: string, era: string): Promise<unknown> {
  const { command, args } = runtimeCommand(
    runtime,
    "tests/transports/websocket/fixtures/ws_client.ts",
  );
  const child = spawnProcess(command, [...args, url, era], { stderr: "inherit" });
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    const [text, exit] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    assert.equal(exit.code, 0, `the ${runtime} client (${era}) against ${url} failed`);
    return JSON.parse(text.trim().split("\n").at(-1)!);
  } finally {
    clearTimeout(killer);
  }
}

/** What the client fixture reports when every exchange worked across the socket. */
function expected(era: string, client: Runtime) {
  return {
    era,
    content: [{ type: "text", text: `${era} from ${client}` }],
    progress: [1, 2, 3],
    asked: [{ type: "text", text: "accept:Ada" }],
    touched: { resourceUpdated: true, toolsListChanged: true },
    cancelled: true,
    dropped: era === "legacy" ? "connection closed after the grace period" : "connection closed",
  };
}

test(`server in process on ${runtimeName()}, clients on the other runtimes, both eras`, async () => {
  const local = await startLocal({ resumeGraceMs: RESUME_GRACE_MS });
  addCrossRuntimeTools(local.server);
  try {
    const others = RUNTIMES.filter((runtime) => runtime !== runtimeName());
    const runs = others.flatMap((client) =>
      ["modern", "legacy"].map(async (era) => ({
        client,
        era,
        result: await runClient(client, local.url, era),
      }))
    );
    for (const { client, era, result } of await Promise.all(runs)) {
      assert.deepEqual(result, expected(era, client), `${client} client, ${era}`);
    }
  } finally {
    await local.http.close();
  }
});

// Only under Node: both ends are children, so another runtime's run would repeat the same calls.
if (runtimeName() === "node") {
  test("cross-runtime matrix, registered only under node: 6 ordered pairs × 2 eras", async () => {
    const servers = new Map<Runtime, Awaited<ReturnType<typeof startRemote>>>();
    try {
      await Promise.all(RUNTIMES.map(async (runtime) => {
        servers.set(runtime, await startRemote(runtime));
      }));
      const calls = [];
      for (const server of RUNTIMES) {
        for (const client of RUNTIMES) {
          if (client === server) continue;
          for (const era of ["modern", "legacy"]) {
            calls.push(
              runClient(client, servers.get(server)!.url, era).then((result) => ({
                server,
                client,
                era,
                result,
              })),
            );
          }
        }
      }
      const results = await Promise.all(calls);
      assert.equal(results.length, 12);
      for (const { server, client, era, result } of results) {
        assert.deepEqual(
          result,
          expected(era, client),
          `${client} client → ${server} server, ${era}`,
        );
      }
    } finally {
      await Promise.all([...servers.values()].map((server) => server.stop()));
    }
  });
}
