/**
 * The official MCP Inspector's CLI (`@modelcontextprotocol/inspector --cli`, on the pinned Node)
 * against `emcee serve cli/examples` run by the runtime running this test: over stdio (the
 * Inspector spawns emcee) and over Streamable HTTP (this test spawns `serve --port 0` and points
 * the Inspector at the URL it prints).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { getEnv, joinPath, makeDirectory, removeFile, spawnProcess } from "../../runtime/mod.ts";
import { within } from "../async.ts";
import { childLines } from "../child_lines.ts";
import { emceeCommand } from "./emcee_command.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const EXAMPLES = joinPath(ROOT, "cli/examples");
const NODE = joinPath(ROOT, "node_modules/.bin/node");
const INSPECTOR = joinPath(ROOT, "node_modules/.bin/mcp-inspector");
const WAIT = 30_000;

/** `cli/main.ts <args>` on the runtime running this test. */
function emceeArgv(args: string[]): string[] {
  const { command, args: rest } = emceeCommand(args);
  return [command, ...rest];
}

let home = "";

/** The Inspector's environment: ours, with its state in a temporary HOME. */
function inspectorEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const name of ["PATH", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const value = getEnv(name);
    if (value !== undefined) env[name] = value;
  }
  env.HOME = home;
  env.MCP_CATALOG_PATH = joinPath(home, "mcp.json");
  return env;
}

/** Runs the Inspector CLI once and returns the JSON it prints. */
async function inspect(args: string[]): Promise<Record<string, unknown>> {
  const child = spawnProcess(NODE, [INSPECTOR, "--cli", ...args], {
    stderr: "pipe",
    env: inspectorEnv(),
  });
  try {
    await child.stdin.close();
    const [stdout, stderr, exit] = await within(
      Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]),
      WAIT,
      `inspector ${args.join(" ")}`,
    );
    assert.equal(exit.code, 0, `inspector failed: ${stderr}\n${stdout}`);
    return JSON.parse(stdout.slice(stdout.indexOf("{")));
  } finally {
    child.kill("SIGKILL");
  }
}

function toolNames(listed: Record<string, unknown>): string[] {
  return (listed.tools as { name: string }[]).map((tool) => tool.name).sort();
}

const CALL_ADD = ["--method", "tools/call", "--tool-name", "add", "--tool-arg", "a=1", "b=2"];

/** What the examples' `add` answers for 1 + 2: text and structured content. */
function assertSum(called: Record<string, unknown>): void {
  assert.deepEqual(called.content, [{ type: "text", text: "3" }]);
  assert.deepEqual(called.structuredContent, { result: 3 });
  assert.notEqual(called.isError, true);
}

describe("MCP Inspector CLI against emcee serve", () => {
  before(async () => {
    home = joinPath(
      tmpdir(),
      `emcee-inspector-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    );
    await makeDirectory(home, { recursive: true });
  });
  after(async () => {
    await removeFile(home, { recursive: true, ignoreMissing: true });
  });

  test("over stdio: the Inspector spawns emcee, lists the tools and calls add", async () => {
    const server = emceeArgv(["serve", "--stdio", EXAMPLES]);
    assert.deepEqual(toolNames(await inspect([...server, "--method", "tools/list"])), [
      "add",
      "echo",
    ]);
    assertSum(await inspect([...server, ...CALL_ADD]));
    const echoed = await inspect([
      ...server,
      "--method",
      "tools/call",
      "--tool-name",
      "echo",
      "--tool-arg",
      "text=hello inspector",
    ]);
    assert.deepEqual(echoed.content, [{ type: "text", text: "hello inspector" }]);
  });

  test("over Streamable HTTP: emcee serve --port 0, then the Inspector on its URL", async () => {
    const { command, args } = emceeCommand(["serve", "--port", "0", EXAMPLES]);
    const child = spawnProcess(command, args, { stderr: "pipe" });
    const output = childLines(child.stderr!);
    try {
      const [, endpoint] = await output.match(
        /^emcee: serving on (\S+)/,
        "emcee serve's URL",
        WAIT,
      );
      assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const target = ["--transport", "http", "--server-url", endpoint];
      assert.deepEqual(toolNames(await inspect([...target, "--method", "tools/list"])), [
        "add",
        "echo",
      ]);
      assertSum(await inspect([...target, ...CALL_ADD]));
      const read = await inspect([
        ...target,
        "--method",
        "resources/read",
        "--uri",
        "emcee://about",
      ]);
      const contents = read.contents as { uri: string; text: string }[];
      assert.equal(contents[0].uri, "emcee://about");
      assert.match(contents[0].text, /bundled with emcee/);
    } finally {
      child.kill("SIGTERM");
      const exit = await within(child.exited, WAIT, "emcee serve to exit on SIGTERM");
      await output.ended;
      assert.ok(exit.code === 0 || exit.signal === "SIGTERM", JSON.stringify(exit));
    }
  });
});
