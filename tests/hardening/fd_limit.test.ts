/**
 * A server at its descriptor limit keeps serving (issue 15): under `ulimit -n 256`, 300
 * connections that send half a request head and then stall must neither end the server process
 * (Deno's `Deno.serve` did, on "Too many open files") nor keep a normal client waiting (Node did,
 * for its 60 s head timeout): the connection idle longest is shed for the new one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectTcp, scriptCommand, spawnProcess, type TcpConnection } from "../../runtime/mod.ts";
import { within } from "../async.ts";
import { childLines } from "../child_lines.ts";

const fixture = new URL("./fixtures/fd_limit_server.ts", import.meta.url).pathname;
const DESCRIPTOR_LIMIT = 256;
const STALLED = 300;
const ANSWER_WITHIN_MS = 3000;
const partialHead = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");

test(`under ulimit -n ${DESCRIPTOR_LIMIT}, ${STALLED} stalled connections neither end the server nor starve a client`, async () => {
  const { command, args, env } = scriptCommand(fixture);
  const child = spawnProcess(
    "bash",
    ["-c", `ulimit -n ${DESCRIPTOR_LIMIT} && exec "$0" "$@"`, command, ...args],
    { stderr: "pipe", env },
  );
  let exited = false;
  child.exited.then(() => (exited = true), () => (exited = true));
  const stdout = childLines(child.stdout);
  const stderr = childLines(child.stderr!);
  const stalled: TcpConnection[] = [];
  const describe = () => `stdout:\n${stdout.lines.join("\n")}\nstderr:\n${stderr.lines.join("\n")}`;
  try {
    const [, url] = await stdout.match(/^listening (http:\/\/\S+)$/, "the server's URL");
    const { hostname, port } = new URL(url);
    for (let index = 0; index < STALLED && !exited; index++) {
      // A refused or reset connect means the server is gone: the checks below say so.
      const connection = await connectTcp({ hostname, port: Number(port) }).catch(() => undefined);
      if (connection === undefined) break;
      stalled.push(connection);
      connection.readable.pipeTo(new WritableStream()).catch(() => {});
      await connection.write(partialHead).catch(() => {});
    }
    const started = Date.now();
    const response = await fetch(`${url}/after-the-flood`, {
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    }).catch((error: unknown) => {
      throw new Error(`no answer within ${ANSWER_WITHIN_MS} ms: ${error}\n${describe()}`);
    });
    assert.equal(response.status, 200, describe());
    assert.deepEqual(await response.json(), { ok: true });
    assert.ok(Date.now() - started < ANSWER_WITHIN_MS, describe());
    assert.equal(exited, false, `the server process ended\n${describe()}`);
  } finally {
    for (const connection of stalled) connection.close();
    child.kill("SIGKILL");
    await within(child.exited, 10_000, "the server to exit").catch(() => {});
  }
});
