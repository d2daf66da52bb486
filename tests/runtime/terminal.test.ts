import { test } from "node:test";
import assert from "node:assert/strict";
import { executablePath, runtimeName, spawnProcess } from "../../runtime/mod.ts";
import { isTerminal } from "../../runtime/terminal.ts";
import { within } from "../async.ts";

test("isTerminal answers a boolean for both streams", () => {
  assert.equal(typeof isTerminal("stdout"), "boolean");
  assert.equal(typeof isTerminal("stderr"), "boolean");
});

test("piped streams are not terminals", async () => {
  const file = decodeURIComponent(
    new URL("./fixtures/terminal_probe.ts", import.meta.url).pathname,
  );
  const child = spawnProcess(
    executablePath(),
    runtimeName() === "deno" ? ["run", "-A", file] : [file],
    { stderr: "pipe" },
  );
  await child.stdin.close();
  const [output, exit] = await within(
    Promise.all([
      new Response(child.stdout).text(),
      child.exited,
      new Response(child.stderr).text(),
    ]),
    30_000,
    "the probe to finish",
  );
  assert.equal(exit.code, 0);
  assert.deepEqual(JSON.parse(output), { stdout: false, stderr: false });
});
