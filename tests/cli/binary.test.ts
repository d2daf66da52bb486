/**
 * `bun build --compile cli/main.ts` as a single executable: it prints its version, serves a tool
 * folder over HTTP (starting ITSELF as the tool host child, see runtime/script_command.ts) and
 * calls a tool as a client. Bun builds the binary whichever runtime runs this test.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import {
  joinPath,
  makeDirectory,
  removeFile,
  spawnProcess,
  writeTextFile,
} from "../../runtime/mod.ts";
import { within } from "../async.ts";
import { childLines } from "../child_lines.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BUN = joinPath(ROOT, "node_modules/.bin/bun");
const EXAMPLES = joinPath(ROOT, "cli/examples");
const WAIT = 30_000;

/** Tools without imports: nothing to resolve next to a folder outside the repository. */
const PLAIN_TOOL = `export default {
  name: "mul",
  description: "Multiplies two numbers",
  input: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  },
  handler: ({ a, b }: { a: number; b: number }) => String(a * b),
};
`;

/** A tool importing the SDK's `define.ts` by absolute URL, from a folder outside the repo. */
const DEFINED_TOOL = `import { tool } from ${
  JSON.stringify(new URL("../../cli/define.ts", import.meta.url).href)
};
export default tool({
  name: "sub",
  input: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  },
  handler: ({ a, b }: { a: number; b: number }) => String(a - b),
});
`;

let dir = "";
let binary = "";

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` with stdin closed, to its end. */
async function runToEnd(command: string, args: string[], what: string): Promise<Finished> {
  const child = spawnProcess(command, args, { stderr: "pipe" });
  try {
    await child.stdin.close();
    const [stdout, stderr, exit] = await within(
      Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]),
      WAIT,
      what,
    );
    return { code: exit.code, stdout, stderr };
  } finally {
    child.kill("SIGKILL");
  }
}

/** Runs the binary's `serve --port 0 <dirs>` for `body`, with the URL it prints. */
async function withServe(
  dirs: string[],
  body: (url: string, log: readonly string[]) => Promise<void>,
  cwd?: string,
): Promise<void> {
  const child = spawnProcess(binary, ["serve", "--port", "0", ...dirs], {
    stderr: "pipe",
    cwd,
  });
  const output = childLines(child.stderr!);
  try {
    const [, url] = await output.match(/^emcee: serving on (\S+)/, "the binary's URL", WAIT);
    await body(url, output.lines);
  } finally {
    child.kill("SIGTERM");
    await within(child.exited, WAIT, "the binary to exit on SIGTERM");
    await output.ended;
  }
}

async function call(url: string, tool: string, ...args: string[]): Promise<Finished> {
  return await runToEnd(binary, ["call", url, tool, ...args], `emcee call ${tool}`);
}

describe("the compiled emcee binary", () => {
  before(async () => {
    dir = joinPath(tmpdir(), `emcee-binary-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    await makeDirectory(joinPath(dir, "tools"), { recursive: true });
    binary = joinPath(dir, "emcee");
    const built = await runToEnd(
      BUN,
      ["build", "--compile", joinPath(ROOT, "cli/main.ts"), "--outfile", binary],
      "bun build --compile",
    );
    assert.equal(built.code, 0, `bun build failed:\n${built.stdout}\n${built.stderr}`);
  });

  after(async () => {
    await removeFile(dir, { recursive: true, ignoreMissing: true });
  });

  test("--version prints the version", async () => {
    const version = await runToEnd(binary, ["--version"], "emcee --version");
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^emcee \d+\.\d+\.\d+\n$/);
  });

  test("serves cli/examples, its tool host being the binary itself", async () => {
    // Had the binary started itself with its embedded script path as the first argument, the
    // host would have rejected it as an unknown command and no tool would have loaded.
    await withServe([EXAMPLES], async (url, log) => {
      assert.ok(
        log.some((line) => /loaded 2 tools, 1 resources, 1 prompts from 4 files/.test(line)),
        log.join("\n"),
      );
      const listed = await runToEnd(binary, ["tools", url], "emcee tools");
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /\badd\b/);
      assert.match(listed.stdout, /\becho\b/);
      const sum = await call(url, "add", "a=1", "b=2");
      assert.equal(sum.code, 0, sum.stderr);
      assert.equal(sum.stdout.split("\n")[0], "3");
    });
  });

  test("with no tools/ folder it serves the bundled examples embedded in it", async () => {
    const empty = joinPath(dir, "empty");
    await makeDirectory(empty, { recursive: true });
    await withServe([], async (url, log) => {
      assert.ok(log.some((line) => /serving the bundled examples/.test(line)), log.join("\n"));
      assert.ok(
        log.some((line) => /loaded 2 tools, 1 resources, 1 prompts from 4 files/.test(line)),
        log.join("\n"),
      );
      const sum = await call(url, "add", "a=2", "b=5");
      assert.equal(sum.code, 0, sum.stderr);
      assert.equal(sum.stdout.split("\n")[0], "7");
    }, empty);
  });

  test("serves a folder outside the repository: plain tools and an absolute define.ts import", async () => {
    const tools = joinPath(dir, "tools");
    await writeTextFile(joinPath(tools, "mul.ts"), PLAIN_TOOL);
    await writeTextFile(joinPath(tools, "sub.ts"), DEFINED_TOOL);
    await withServe([tools], async (url) => {
      const product = await call(url, "mul", "a=6", "b=7");
      assert.equal(product.code, 0, product.stderr);
      assert.equal(product.stdout.trim(), "42");
      const difference = await call(url, "sub", "a=10", "b=4");
      assert.equal(difference.code, 0, difference.stderr);
      assert.equal(difference.stdout.trim(), "6");
    });
  });
});
