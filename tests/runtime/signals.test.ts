import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type ChildProcessExit,
  executablePath,
  pathSeparator,
  runtimeName,
  spawnProcess,
} from "../../runtime/mod.ts";
import { within } from "../async.ts";

const fixture = new URL("./fixtures/shutdown_signal.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

/** Runs the fixture on this runtime, sends `signal` once it is ready, and returns what it did. */
async function signalFixture(
  signal: "SIGINT" | "SIGTERM",
  fixtureArgs: string[] = [],
): Promise<{ output: string; exit: ChildProcessExit }> {
  const runtimeArgs = runtimeName() === "deno" ? ["run", "-A", fixture] : [fixture];
  const child = spawnProcess(executablePath(), [...runtimeArgs, ...fixtureArgs]);
  try {
    await child.stdin.close();
    const reader = child.stdout.getReader();
    let output = "";
    while (!output.includes("ready\n")) {
      const { done, value } = await within(reader.read(), 15_000, "fixture ready");
      if (done) break;
      output += decoder.decode(value, { stream: true });
    }
    assert.equal(output, "ready\n");
    child.kill(signal);
    while (true) {
      const { done, value } = await within(reader.read(), 10_000, "fixture output");
      if (done) break;
      output += decoder.decode(value, { stream: true });
    }
    return { output, exit: await within(child.exited, 10_000, "fixture exit") };
  } finally {
    child.kill("SIGKILL");
  }
}

const posixOnly = pathSeparator !== "/" && "Windows has no POSIX signals to send";

describe("onShutdownSignal", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`hands ${signal} to the handler instead of ending the process`, {
      skip: posixOnly,
    }, async () => {
      const { output, exit } = await signalFixture(signal);
      assert.equal(output, `ready\n${signal}\n`);
      assert.deepEqual(exit, { code: 0, signal: null });
    });
  }

  test("after unsubscribing, the signal ends the process as usual", {
    skip: posixOnly,
  }, async () => {
    const { output, exit } = await signalFixture("SIGTERM", ["unsubscribed"]);
    assert.equal(output, "ready\n");
    assert.deepEqual(exit, { code: null, signal: "SIGTERM" });
  });
});
