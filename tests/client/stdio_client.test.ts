import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createStdioClientTransport } from "../../client/mod.ts";
import { NODE } from "./helpers.ts";

function started(script: string) {
  const transport = createStdioClientTransport(
    { command: NODE, args: ["-e", script], stderr: "capture" },
    { shutdownGraceMs: 150 },
  );
  let closed = false;
  transport.start({ message() {}, close: () => (closed = true) });
  return { transport, isClosed: () => closed };
}

describe("stdio client shutdown", () => {
  test("a child that exits when stdin closes is not signalled", async () => {
    const { transport, isClosed } = started(
      "process.stdin.resume(); process.stdin.on('end', () => process.exit(0))",
    );
    await transport.close();
    assert.deepEqual(transport.exit, { code: 0, signal: null });
    assert.equal(isClosed(), true);
  });

  test("a child that ignores stdin gets SIGTERM", async () => {
    const { transport } = started("setInterval(() => {}, 1000)");
    await transport.close();
    assert.equal(transport.exit?.signal, "SIGTERM");
  });

  test("a child that ignores SIGTERM gets SIGKILL", async () => {
    const { transport } = started(
      "process.on('SIGTERM', () => process.stderr.write('ignoring\\n')); setInterval(() => {}, 1000)",
    );
    await transport.close();
    assert.equal(transport.exit?.signal, "SIGKILL");
    assert.match(transport.stderrText, /ignoring/);
  });
});
