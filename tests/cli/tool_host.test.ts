import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { formatHostLine, type HostLine, parseHostLine } from "../../cli/tool_host.ts";
import { connectClient, type McpClient } from "../../client/mod.ts";
import {
  type ChildProcessExit,
  type ChildProcessHandle,
  executablePath,
  joinPath,
  makeDirectory,
  removeFile,
  runtimeName,
  spawnProcess,
  writeTextFile,
} from "../../runtime/mod.ts";
import { createStreamTransport } from "../../transports/stream.ts";
import { deferred, within } from "../async.ts";

const main = fileURLToPath(new URL("./fixtures/tool_host_main.ts", import.meta.url));
const shapes = fileURLToPath(new URL("./fixtures/tool_dirs/shapes/", import.meta.url));

let root = "";
before(async () => {
  root = await mkdtemp(joinPath(tmpdir(), "emcee-tool-host-"));
});
after(async () => {
  await removeFile(root, { recursive: true, ignoreMissing: true });
});

interface Host {
  child: ChildProcessHandle;
  lines: HostLine[];
  ready: Promise<HostLine[]>;
  client(): Promise<McpClient>;
  stop(): Promise<ChildProcessExit>;
}

/** Starts the tool host on this runtime and reads its status lines from stderr. */
function startHost(dirs: string[]): Host {
  const argv = runtimeName() === "deno" ? ["run", "-A", main, ...dirs] : [main, ...dirs];
  const child = spawnProcess(executablePath(), argv, { stderr: "pipe" });
  const lines: HostLine[] = [];
  const ready = deferred<HostLine[]>();
  (async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of child.stderr!) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const parsed = parseHostLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (parsed === undefined) continue;
        lines.push(parsed);
        if (parsed.type !== "problem") ready.resolve([...lines]);
      }
    }
    ready.reject(new Error(`host ended before it was ready: ${buffered}`));
  })().catch((error) => ready.reject(error));
  const writer = child.stdin.getWriter();
  let connected: McpClient | undefined;
  return {
    child,
    lines,
    ready: within(ready.promise, 30_000, "emcee:ready from the tool host"),
    async client() {
      const transport = createStreamTransport({
        readable: child.stdout,
        write: (bytes) => writer.write(bytes),
        close: () => writer.close().catch(() => {}),
      });
      connected = await connectClient(transport, { name: "test", version: "1" });
      return connected;
    },
    async stop() {
      await connected?.close().catch(() => {});
      await writer.close().catch(() => {});
      const exited = child.exited.then(() => true);
      const gone = await within(exited, 5_000, "the host to exit once stdin closed").catch(() =>
        false
      );
      if (!gone) child.kill("SIGKILL");
      return await child.exited;
    },
  };
}

describe("parseHostLine", () => {
  test("reads back every line formatHostLine writes, and nothing else", () => {
    const lines: HostLine[] = [
      { type: "problem", problem: { file: "/t/a.ts", line: 3, column: 12, message: "bad" } },
      { type: "problem", problem: { file: "/t/b.ts", message: "no location" } },
      {
        type: "ready",
        counts: { files: 2, tools: 1, resources: 0, resourceTemplates: 1, prompts: 0 },
      },
      { type: "fatal", message: "oops" },
    ];
    for (const line of lines) assert.deepEqual(parseHostLine(formatHostLine(line)), line);
    assert.equal(
      formatHostLine(lines[0]),
      'emcee:problem {"file":"/t/a.ts","line":3,"column":12,"message":"bad"}',
    );
    assert.equal(parseHostLine("a tool logging something"), undefined);
    assert.equal(parseHostLine("emcee:ready {not json"), undefined);
    assert.equal(parseHostLine('emcee:ready {"files":1}'), undefined);
  });
});

describe("the tool host as a child process", () => {
  test("announces ready, serves the tools over stdio and advertises listChanged", async () => {
    const host = startHost([shapes]);
    try {
      const lines = await host.ready;
      assert.deepEqual(lines, [{
        type: "ready",
        counts: { files: 3, tools: 5, resources: 1, resourceTemplates: 1, prompts: 2 },
      }]);
      const client = await within(host.client(), 30_000, "connecting to the host");
      const tools = (await client.listTools()).map((tool) => tool.name).sort();
      assert.deepEqual(tools, [
        "array_one",
        "array_plain",
        "deep_tool",
        "plain_tool",
        "tagged_tool",
      ]);
      assert.equal(await client.invoke("plain_tool"), "plain");
      const capabilities = client.serverCapabilities;
      assert.equal(capabilities.tools?.listChanged, true);
      assert.equal(capabilities.resources?.listChanged, true);
      assert.equal(capabilities.prompts?.listChanged, true);
    } finally {
      // Closing stdin ends the host by itself: stdio serving keeps nothing else alive.
      assert.deepEqual(await host.stop(), { code: 0, signal: null });
    }
  });

  test("reports a broken file with its line while the good tools still serve", async () => {
    const dir = joinPath(root, "mixed");
    await makeDirectory(dir, { recursive: true });
    await writeTextFile(joinPath(dir, "broken.ts"), "export const a = 1;\n\nconst x = {;\n");
    await writeTextFile(
      joinPath(dir, "sum.ts"),
      'export default { name: "sum", input: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } }, handler: ({ a, b }: { a: number; b: number }) => String(a + b) };\n',
    );
    const host = startHost([dir]);
    try {
      const lines = await host.ready;
      assert.equal(lines.length, 2);
      const [problem, ready] = lines;
      assert.equal(problem.type, "problem");
      if (problem.type === "problem") {
        assert.equal(problem.problem.file, joinPath(dir, "broken.ts"));
        assert.equal(problem.problem.line, 3);
      }
      assert.deepEqual(ready, {
        type: "ready",
        counts: { files: 2, tools: 1, resources: 0, resourceTemplates: 0, prompts: 0 },
      });
      const client = await within(host.client(), 30_000, "connecting to the host");
      assert.equal(await client.invoke("sum", { a: 2, b: 3 }), "5");
    } finally {
      await host.stop();
    }
  });

  test("a missing folder is a problem line before the ready line", async () => {
    const missing = joinPath(root, "missing");
    const host = startHost([missing]);
    try {
      assert.deepEqual(await host.ready, [
        { type: "problem", problem: { file: missing, message: "folder does not exist" } },
        {
          type: "ready",
          counts: { files: 0, tools: 0, resources: 0, resourceTemplates: 0, prompts: 0 },
        },
      ]);
    } finally {
      await host.stop();
    }
  });

  test("with no folder it serves the bundled examples", async () => {
    const host = startHost([]);
    try {
      assert.deepEqual(await host.ready, [{
        type: "ready",
        counts: { files: 4, tools: 2, resources: 1, resourceTemplates: 0, prompts: 1 },
      }]);
      const client = await within(host.client(), 30_000, "connecting to the host");
      assert.equal(await client.invoke("add", { a: 2, b: 3 }), 5);
      assert.equal(await client.invoke("echo", { text: "hi" }), "hi");
      const about = await client.readResource("emcee://about");
      assert.match(JSON.stringify(about.contents), /bundled with emcee serve/);
      const greeting = await client.getPrompt("greet", { who: "Ada" });
      assert.match(JSON.stringify(greeting.messages), /greeting for Ada/);
    } finally {
      await host.stop();
    }
  });
});
