import { test } from "node:test";
import assert from "node:assert/strict";
import { installEntry, launchFor, runInstall } from "../../cli/install.ts";
import {
  fileInfo,
  joinPath,
  makeDirectory,
  readTextFile,
  writeTextFile,
} from "../../runtime/mod.ts";
import { withTempDir } from "../temp.ts";

const withTemp = (body: (dir: string) => Promise<void>): Promise<void> =>
  withTempDir("emcee-install", body);

function capture(): {
  out: string[];
  err: string[];
  io: { print(l: string): void; error(l: string): void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { print: (l) => out.push(l), error: (l) => err.push(l) } };
}

const entry = { command: "emcee", args: ["serve", "--stdio", "/t"], env: {} };

test("installEntry creates a new file's text", () => {
  const result = installEntry(undefined, "claude", "tools", entry);
  assert.equal(result.replaced, false);
  assert.deepEqual(JSON.parse(result.text), { mcpServers: { tools: entry } });
});

test("installEntry keeps other servers and keys, and reports replacing", () => {
  const old = JSON.stringify({
    theme: "dark",
    mcpServers: { other: { command: "x" }, tools: { command: "old" } },
  });
  const result = installEntry(old, "cursor", "tools", entry);
  assert.equal(result.replaced, true);
  assert.equal(result.lostComments, false);
  assert.deepEqual(JSON.parse(result.text), {
    theme: "dark",
    mcpServers: { other: { command: "x" }, tools: entry },
  });
});

test("installEntry accepts JSONC and says comments are dropped", () => {
  const result = installEntry(
    '{\n  // mine\n  "servers": { "a": {"command": "a"}, },\n}',
    "vscode",
    "b",
    entry,
  );
  assert.equal(result.lostComments, true);
  assert.deepEqual(Object.keys((JSON.parse(result.text) as { servers: object }).servers), [
    "a",
    "b",
  ]);
});

test("installEntry refuses bad JSONC with line:column, and a non-object mcpServers", () => {
  assert.throws(
    () => installEntry('{\n  "a": 1,\n  oops\n}', "claude", "t", entry, "c.json"),
    (e: Error) => {
      assert.match(e.message, /c\.json:3:3/);
      return true;
    },
  );
  assert.throws(
    () => installEntry('{"mcpServers": []}', "claude", "t", entry),
    /"mcpServers" is not an object/,
  );
});

test("launchFor picks the runtime's form", () => {
  const how = { runtime: "deno", executable: "/bin/deno", mainScript: "/e/cli/main.ts" };
  assert.deepEqual(launchFor("/d", true, {}, how).args, [
    "run",
    "-A",
    "/e/cli/main.ts",
    "serve",
    "--stdio",
    "/d",
  ]);
  assert.deepEqual(launchFor("/f.ts", false, {}, { ...how, runtime: "bun" }).args, [
    "run",
    "/e/cli/main.ts",
    "run",
    "--stdio",
    "/f.ts",
  ]);
  assert.deepEqual(launchFor("/d", true, {}, { ...how, runtime: "node" }).args, [
    "/e/cli/main.ts",
    "serve",
    "--stdio",
    "/d",
  ]);
  assert.deepEqual(launchFor("/d", true, {}, { ...how, emceeCommand: "emcee" }), {
    command: "emcee",
    args: ["serve", "--stdio", "/d"],
    env: {},
  });
});

test("install writes a new file in a missing directory, with env pairs", async () => {
  await withTemp(async (dir) => {
    const tools = joinPath(dir, "my-tools");
    await makeDirectory(tools);
    const config = joinPath(dir, "nested", "claude.json");
    const c = capture();
    const code = await runInstall(
      [tools, "--client", "claude", "--config", config, "-e", "A=1", "-e", "B=x=y"],
      c.io,
      {
        emceeCommand: "emcee",
      },
    );
    assert.equal(code, 0, c.err.join("\n"));
    const written = JSON.parse(await readTextFile(config));
    assert.deepEqual(written, {
      mcpServers: {
        "my-tools": {
          command: "emcee",
          args: ["serve", "--stdio", tools],
          env: { A: "1", B: "x=y" },
        },
      },
    });
    assert.match(c.out.join("\n"), /Added server "my-tools"/);
    assert.equal(await fileInfo(`${config}.bak`), undefined);
  });
});

test("install merges, backs up the old file, and reports replacing", async () => {
  await withTemp(async (dir) => {
    const file = joinPath(dir, "server.ts");
    await writeTextFile(file, "export {};\n");
    const config = joinPath(dir, "mcp.json");
    const old = JSON.stringify({
      servers: { other: { command: "x" }, server: { command: "old" } },
      keep: 1,
    });
    await writeTextFile(config, old);
    await writeTextFile(`${config}.bak`, "earlier backup");
    const c = capture();
    const code = await runInstall([file, "--client", "vscode", "--config", config], c.io);
    assert.equal(code, 0, c.err.join("\n"));
    const written = JSON.parse(await readTextFile(config));
    assert.equal(written.keep, 1);
    assert.deepEqual(written.servers.other, { command: "x" });
    assert.equal(written.servers.server.type, "stdio");
    assert.deepEqual(written.servers.server.args.slice(-3), ["run", "--stdio", file]);
    assert.match(c.out.join("\n"), /Replaced server "server"/);
    assert.equal(await readTextFile(`${config}.bak`), "earlier backup");
    const backup = /to (.+\.bak)$/.exec(c.out.find((l) => l.startsWith("Backed up")) ?? "")?.[1];
    assert.ok(backup !== undefined && backup !== `${config}.bak`);
    assert.equal(await readTextFile(backup), old);
  });
});

test("install refuses a bad config with line:column and leaves it alone (exit 1)", async () => {
  await withTemp(async (dir) => {
    const config = joinPath(dir, "mcp.json");
    const bad = '{\n  "mcpServers": {\n    nope\n}';
    await writeTextFile(config, bad);
    const c = capture();
    const code = await runInstall([dir, "--client", "cursor", "--config", config], c.io);
    assert.equal(code, 1);
    assert.match(c.err.join("\n"), /mcp\.json:3:5/);
    assert.equal(await readTextFile(config), bad);
    assert.equal(await fileInfo(`${config}.bak`), undefined);
  });
});

test("usage errors exit 2", async () => {
  for (
    const argv of [
      [],
      ["x"],
      ["x", "--client", "emacs"],
      ["x", "--client", "claude", "-e", "NOEQUALS"],
      ["x", "--client", "claude", "--bogus"],
      ["x", "--client"],
    ]
  ) {
    const c = capture();
    assert.equal(await runInstall(argv, c.io), 2, argv.join(" "));
    assert.equal(c.err.length, 1);
  }
});
