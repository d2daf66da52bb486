/**
 * stdin closing with requests in flight: the stdio server answers what was
 * asked (a last line without a newline included), then exits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { executablePath, runtimeName, spawnProcess } from "../../runtime/mod.ts";
import { childLines } from "../child_lines.ts";
import { within } from "../async.ts";

const fixture = new URL("./fixtures/stdio_eof_server.ts", import.meta.url).pathname;
const encoder = new TextEncoder();
const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "eof-test", version: "1" },
};

const call = (id: number, text: string) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "slow_echo", arguments: { text }, _meta: META },
  });

test("requests in flight at stdin EOF are answered, then the server exits", async () => {
  const child = spawnProcess(
    executablePath(),
    runtimeName() === "deno" ? ["run", "-A", fixture] : [fixture],
    { stderr: "pipe" },
  );
  const stderr = childLines(child.stderr!);
  const stdout = childLines(child.stdout);
  try {
    const writer = child.stdin.getWriter();
    // One complete line, and a last one without its newline; then EOF.
    await writer.write(encoder.encode(call(1, "first") + "\n" + call(2, "last")));
    await writer.close();
    const exit = await within(child.exited, 30_000, "the server to exit after stdin closed");
    await stdout.ended;
    const answers = stdout.lines.filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
    const byId = new Map(answers.map((a) => [a.id, a]));
    const describe = `stdout: ${stdout.lines.join("\n")}\nstderr: ${stderr.lines.join("\n")}`;
    assert.equal(byId.get(1)?.result?.content?.[0]?.text, "first", describe);
    assert.equal(byId.get(2)?.result?.content?.[0]?.text, "last", describe);
    assert.equal(exit.code, 0, describe);
  } finally {
    child.kill("SIGKILL");
    await child.exited.catch(() => {});
  }
});

test("a subscriptions/listen stream does not keep the server alive after stdin EOF", async () => {
  const child = spawnProcess(
    executablePath(),
    runtimeName() === "deno" ? ["run", "-A", fixture] : [fixture],
    { stderr: "pipe" },
  );
  const stderr = childLines(child.stderr!);
  const stdout = childLines(child.stdout);
  try {
    const writer = child.stdin.getWriter();
    const listen = {
      jsonrpc: "2.0",
      id: 1,
      method: "subscriptions/listen",
      params: { notifications: { toolsListChanged: true }, _meta: META },
    };
    await writer.write(encoder.encode(JSON.stringify(listen) + "\n" + call(2, "after") + "\n"));
    await stdout.match(/"id":2/, "the answer to the call beside the listen");
    await writer.close();
    const exit = await within(child.exited, 30_000, "the server to exit after stdin closed");
    assert.equal(exit.code, 0, `stderr: ${stderr.lines.join("\n")}`);
  } finally {
    child.kill("SIGKILL");
    await child.exited.catch(() => {});
  }
});
