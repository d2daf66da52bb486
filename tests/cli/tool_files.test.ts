import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import {
  bundledToolsDirectory,
  findToolFiles,
  type LoadedTools,
  loadToolFiles,
  registerLoaded,
} from "../../cli/tool_files.ts";
import { registry, taggedKind } from "../../cli/define.ts";
import {
  joinPath,
  makeDirectory,
  removeFile,
  runtimeName,
  writeTextFile,
} from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";

const fixtures = fileURLToPath(new URL("./fixtures/tool_dirs/", import.meta.url));
const shapes = joinPath(fixtures, "shapes");
const dupA = joinPath(fixtures, "dup_a");
const dupB = joinPath(fixtures, "dup_b");

let root = "";
before(async () => {
  root = await mkdtemp(joinPath(tmpdir(), "emcee-tool-files-"));
});
after(async () => {
  await removeFile(root, { recursive: true, ignoreMissing: true });
});

/** A fresh folder under the temp root holding `files` (name → source). */
async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = joinPath(root, name);
  await makeDirectory(dir, { recursive: true });
  for (const [file, source] of Object.entries(files)) {
    await writeTextFile(joinPath(dir, file), source);
  }
  return dir;
}

function names(loaded: LoadedTools): string[] {
  return loaded.definitions.map((d) =>
    `${d.kind}:${(d.definition as { name?: string; uri?: string }).name}@${d.exportName}`
  );
}

describe("findToolFiles", () => {
  test("lists .ts/.js/.mjs files recursively, sorted, without tests, .d.ts and skipped folders", async () => {
    const files = await findToolFiles([shapes]);
    assert.deepEqual(files, [
      joinPath(shapes, "nested", "deep.mjs"),
      joinPath(shapes, "plain.ts"),
      joinPath(shapes, "tagged.ts"),
    ]);
  });

  test("a missing folder contributes nothing", async () => {
    assert.deepEqual(await findToolFiles([joinPath(root, "nope")]), []);
  });
});

describe("loadToolFiles", () => {
  test("applies the shape rules to default and named exports, ignoring helpers", async () => {
    const loaded = await loadToolFiles([shapes]);
    assert.deepEqual(loaded.problems, []);
    const plain = loaded.definitions.filter((d) => d.file === joinPath(shapes, "plain.ts"));
    assert.deepEqual(plain.map((d) => [d.kind, d.exportName]), [
      ["tool", "default"],
      ["prompt", "ask"],
      ["resource", "doc"],
      ["resourceTemplate", "greeting"],
    ]);
    assert.ok(names(loaded).includes("tool:deep_tool@deep"));
  });

  test("uses helper tags, counts a definition exported twice once, and reads arrays", async () => {
    const loaded = await loadToolFiles([shapes]);
    const tagged = loaded.definitions.filter((d) => d.file === joinPath(shapes, "tagged.ts"));
    assert.deepEqual(tagged.map((d) => `${d.kind}@${d.exportName}`).sort(), [
      "prompt@many[1]",
      "tool@default",
      "tool@many[0]",
      "tool@many[2]",
    ]);
    assert.equal(taggedKind(tagged.find((d) => d.exportName === "default")!.definition), "tool");
  });

  test("a missing folder and a file exporting nothing usable are problems", async () => {
    const dir = await folder("nothing", {
      "helpers.ts": "export const twice = (n: number) => n * 2;\n",
    });
    const missing = joinPath(root, "missing");
    const loaded = await loadToolFiles([missing, dir]);
    assert.deepEqual(loaded.definitions, []);
    assert.deepEqual(loaded.problems, [
      { file: missing, message: "folder does not exist" },
      {
        file: joinPath(dir, "helpers.ts"),
        message: "exports no tool, resource, resource template or prompt",
      },
    ]);
  });

  test("an unfinished definition is reported, a finished one in the same file still loads", async () => {
    const dir = await folder("unfinished", {
      "half.ts": [
        'export const half = { name: "half", description: "no handler", input: { type: "object" } };',
        'export const whole = { name: "whole", handler: () => "ok" };',
        'export const config = { name: "not a definition", port: 8080 };',
        "",
      ].join("\n"),
    });
    const loaded = await loadToolFiles([dir]);
    assert.deepEqual(names(loaded), ["tool:whole@whole"]);
    assert.equal(loaded.problems.length, 1);
    assert.match(loaded.problems[0].message, /half.*"half".*looks like a tool but has no handler/);
  });

  test("a syntax error on line 3 is reported at line 3", async () => {
    const dir = await folder("syntax", {
      "broken.ts": 'export const a = { name: "a", handler: () => 1 };\n\nconst x = {;\n',
      "good.ts": 'export default { name: "good", handler: () => "ok" };\n',
    });
    const loaded = await loadToolFiles([dir]);
    assert.deepEqual(names(loaded), ["tool:good@default"]);
    assert.equal(loaded.problems.length, 1);
    const [problem] = loaded.problems;
    assert.equal(problem.file, joinPath(dir, "broken.ts"));
    assert.equal(problem.line, 3);
    assert.match(problem.message, /SyntaxError/);
    // Node reports only the line of a TypeScript syntax error; Deno and Bun add the column.
    if (problem.column !== undefined) assert.equal(problem.column, 12);
  });

  test("a JavaScript syntax error is a problem, with its line where the runtime tells it", async () => {
    const dir = await folder("syntax_js", {
      "broken.mjs": "export const a = 1;\n\nconst x = {;\n",
    });
    const [problem] = (await loadToolFiles([dir])).problems;
    assert.equal(problem.file, joinPath(dir, "broken.mjs"));
    assert.match(problem.message, /SyntaxError/);
    // Node keeps the location of a JavaScript (not TypeScript) syntax error out of reach.
    assert.equal(problem.line, runtimeName() === "node" ? undefined : 3);
  });

  test("a throw at top level is reported with its line and column", async () => {
    const dir = await folder("throws", {
      "throws.ts":
        'export const a = { name: "a", handler: () => 1 };\nconst b = 2;\n  throw new Error("boom " + b);\n',
    });
    const loaded = await loadToolFiles([dir]);
    assert.deepEqual(loaded.definitions, []);
    assert.equal(loaded.problems.length, 1);
    const [problem] = loaded.problems;
    assert.equal(problem.file, joinPath(dir, "throws.ts"));
    assert.equal(problem.message, "Error: boom 2");
    assert.equal(problem.line, 3);
    assert.equal(typeof problem.column, "number");
  });
});

describe("registerLoaded", () => {
  test("registers everything and publishes the registry", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const problems = registerLoaded(server, await loadToolFiles([shapes]));
    assert.deepEqual(problems, []);
    const live = registry();
    assert.deepEqual(live.tools.sort(), [
      "array_one",
      "array_plain",
      "deep_tool",
      "plain_tool",
      "tagged_tool",
    ]);
    assert.deepEqual(live.resources, ["fixture://doc"]);
    assert.deepEqual(live.resourceTemplates, ["greeting://{who}"]);
    assert.deepEqual(live.prompts.sort(), ["array_prompt", "ask"]);
    assert.ok(server.toolInputSchema("plain_tool"));
  });

  test("a duplicate across files names both files; the first one wins", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const loaded = await loadToolFiles([dupB, dupA]);
    const problems = registerLoaded(server, loaded);
    const a = joinPath(dupA, "add.ts");
    const b = joinPath(dupB, "add.ts");
    assert.deepEqual(problems, [{
      file: b,
      message: `tool "add" is defined in ${a} and again in ${b}`,
    }]);
    assert.deepEqual(registry().tools.sort(), ["add", "other"]);
  });

  test("a definition the server refuses is a problem for its file", async () => {
    const dir = await folder("refused", {
      "bad.ts": 'export default { name: "bad", input: { type: "string" }, handler: () => "" };\n',
      "ok.ts": 'export default { name: "ok", handler: () => "" };\n',
    });
    const server = new McpServer({ name: "t", version: "1" });
    const problems = registerLoaded(server, await loadToolFiles([dir]));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, joinPath(dir, "bad.ts"));
    assert.match(problems[0].message, /^export default: Tool "bad"/);
    assert.deepEqual(registry().tools, ["ok"]);
  });
});

describe("bundled examples", () => {
  test("load without problems: add, echo, about and greet", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const loaded = await loadToolFiles([bundledToolsDirectory()]);
    assert.deepEqual([...loaded.problems, ...registerLoaded(server, loaded)], []);
    assert.deepEqual(registry(), {
      tools: ["add", "echo"],
      resources: ["emcee://about"],
      resourceTemplates: [],
      prompts: ["greet"],
    });
  });
});
