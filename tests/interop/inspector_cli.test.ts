/**
 * The official MCP Inspector's CLI (`@modelcontextprotocol/inspector --cli`,
 * run on the pinned Node) against the demo server, served by the runtime that
 * runs this test: over stdio (spawned) and over Streamable HTTP.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createDemoServer } from "../../examples/demo/server.ts";
import { type HttpServerHandle, serveHttp, spawnProcess } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { demoStdioCommand, within } from "./fixtures/helpers.ts";

const NODE = new URL("../../node_modules/.bin/node", import.meta.url).pathname;
const INSPECTOR = new URL("../../node_modules/.bin/mcp-inspector", import.meta.url).pathname;

let home = "";

/** Runs the Inspector CLI once (its state in a temporary HOME) and returns its JSON output. */
async function inspect(args: string[]): Promise<{ [key: string]: unknown }> {
  const env: { [name: string]: string } = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined) env[name] = value;
  }
  env.HOME = home;
  env.MCP_CATALOG_PATH = join(home, "mcp.json");
  const child = spawnProcess(NODE, [INSPECTOR, "--cli", ...args], { stderr: "pipe", env });
  await child.stdin.close();
  const [stdout, stderr, exit] = await within(
    Promise.all([
      new Response(child.stdout).text(),
      child.stderr ? new Response(child.stderr).text() : Promise.resolve(""),
      child.exited,
    ]),
    30_000,
    `inspector ${args.join(" ")}`,
  );
  assert.equal(exit.code, 0, `inspector failed: ${stderr}`);
  return JSON.parse(stdout.slice(stdout.indexOf("{")));
}

describe("MCP Inspector CLI", () => {
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "emcee-inspector-"));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test("over stdio: lists tools and calls one", async () => {
    const { command, args } = demoStdioCommand();
    const tools = await inspect([command, ...args, "--method", "tools/list"]);
    const names = (tools.tools as { name: string }[]).map((tool) => tool.name);
    assert.deepEqual(names, ["add", "text_stats", "roll_dice", "greet_user"]);
    const called = await inspect([
      command,
      ...args,
      "--method",
      "tools/call",
      "--tool-name",
      "add",
      "--tool-arg",
      "numbers=[1,2,3]",
    ]);
    assert.deepEqual(called.structuredContent, { sum: 6 });
  });

  describe("over Streamable HTTP", () => {
    let http: HttpServerHandle;
    before(async () => {
      http = await serveHttp(createHttpHandler(createDemoServer()), { port: 0 });
    });
    after(async () => {
      await http.close();
    });

    test("reads a resource and gets a prompt", async () => {
      const url = `${http.url}/mcp`;
      const read = await inspect([url, "--method", "resources/read", "--uri", "demo://about"]);
      const contents = read.contents as { uri: string; text: string }[];
      assert.equal(contents[0].uri, "demo://about");
      assert.match(contents[0].text, /emcee demo/);
      const prompt = await inspect([
        url,
        "--method",
        "prompts/get",
        "--prompt-name",
        "code_review",
        "--prompt-args",
        "language=go",
        "code=x",
      ]);
      assert.equal(prompt.description, "Review of go code");
    });
  });
});
