/** `emcee run` and `emcee dev` as a user starts them: child processes on this runtime. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectClient, type McpClient } from "../../client/client.ts";
import { fromFileUrl, joinPath, spawnProcess, writeTextFile } from "../../runtime/mod.ts";
import { deferred, within } from "../async.ts";
import { childLines } from "../child_lines.ts";
import { emceeCommand as emcee } from "./emcee_command.ts";
import { withTempDir } from "../temp.ts";

const FIXTURE = fromFileUrl(new URL("./fixtures/server_file.ts", import.meta.url));
const SERVER = new URL("../../server/server.ts", import.meta.url).href;
const WAIT = 30_000;

test("emcee run serves a file's McpServer over stdio", async () => {
  const client = await connectClient(
    { ...emcee(["run", "--stdio", FIXTURE]) },
    { name: "test", version: "1" },
  );
  try {
    assert.equal(client.serverInfo?.name, "from-file");
    const result = await client.callTool("greet", { who: "emcee" });
    assert.deepEqual(result.content, [{ type: "text", text: "hello emcee" }]);
  } finally {
    await client.close();
  }
});

test("emcee run refuses a file whose default export is no server (exit 1)", async () => {
  await withTempDir("emcee-run-bad", async (dir) => {
    const file = joinPath(dir, "not_a_server.ts");
    await writeTextFile(file, "export default 42;\n");
    const { command, args } = emcee(["run", "--stdio", file]);
    const child = spawnProcess(command, args, { stderr: "pipe" });
    const err = childLines(child.stderr!);
    await child.stdin.close();
    const exit = await within(child.exited, WAIT, "emcee run to exit");
    assert.equal(exit.code, 1);
    await err.match(/default export must be an McpServer/, "the refusal");
  });
});

test("emcee dev reloads a server file when it changes and prints the Inspector command", async () => {
  await withTempDir("emcee-dev", async (dir) => {
    const file = joinPath(dir, "server.ts");
    const version = (tools: string[]) =>
      `import { McpServer } from ${JSON.stringify(SERVER)};
const server = new McpServer({ name: "dev", version: "1" });
for (const name of ${JSON.stringify(tools)}) {
  server.tool({ name, handler: () => ({ content: [{ type: "text", text: name }] }) });
}
export default server;
`;
    await writeTextFile(file, version(["one"]));
    const { command, args } = emcee(["dev", "--port", "0", file]);
    const child = spawnProcess(command, args, { stderr: "pipe" });
    const err = childLines(child.stderr!);
    let client: McpClient | undefined;
    try {
      const [, url] = await err.match(/serving on (\S+)/, "the endpoint line");
      await err.match(
        /@modelcontextprotocol\/inspector .*--server-url \S+/,
        "the Inspector command",
      );
      client = await connectClient(url, { name: "test", version: "1" });
      assert.deepEqual((await client.listTools()).map((tool) => tool.name), ["one"]);
      const changed = deferred();
      await client.subscribe({ toolsListChanged: true }, () => changed.resolve());
      await writeTextFile(file, version(["one", "two"]));
      await within(changed.promise, WAIT, "tools/list_changed after the edit");
      assert.deepEqual((await client.listTools()).map((tool) => tool.name).sort(), ["one", "two"]);
      const result = await client.callTool("two", {});
      assert.deepEqual(result.content, [{ type: "text", text: "two" }]);
    } finally {
      await client?.close();
      child.kill("SIGINT");
      const exit = await within(child.exited, WAIT, "emcee dev to stop on SIGINT");
      assert.equal(exit.code, 0, err.lines.join("\n"));
    }
  });
});
