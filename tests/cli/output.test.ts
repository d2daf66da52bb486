import { test } from "node:test";
import assert from "node:assert/strict";
import {
  callResultLines,
  completionLines,
  createProgressBar,
  extensionFor,
  jsonText,
  progressFrame,
  promptResultLines,
  promptsTable,
  readResultLines,
  resourcesTable,
  serverSummaryLines,
  table,
  toolsTable,
} from "../../cli/output.ts";
import { joinPath, readBinaryFile } from "../../runtime/mod.ts";
import { PIXEL_PNG } from "./fixtures/client_server.ts";
import { withTempDir } from "../temp.ts";

const withTemp = (body: (dir: string) => Promise<void>): Promise<void> =>
  withTempDir("emcee-output", body);

function pixelBytes(): Uint8Array {
  return Uint8Array.from(atob(PIXEL_PNG), (c) => c.charCodeAt(0));
}

test("table pads columns and trims trailing space", () => {
  assert.deepEqual(table(["A", "BB"], [["long", ""], ["x", "y"]]), ["A     BB", "long", "x     y"]);
});

test("tools, resources and prompts tables", () => {
  assert.deepEqual(
    toolsTable([
      { name: "add", description: "Adds.\nMore.", inputSchema: {} },
      { name: "x", inputSchema: {} },
    ]),
    ["NAME  DESCRIPTION", "add   Adds.", "x"],
  );
  assert.deepEqual(toolsTable([]), ["(no tools)"]);
  assert.deepEqual(
    resourcesTable([{ uri: "a://1", name: "one", mimeType: "text/plain" }], [
      { uriTemplate: "a://{id}", name: "any" },
    ]),
    [
      "URI    NAME  MIME TYPE",
      "a://1  one   text/plain",
      "",
      "URI TEMPLATE  NAME  MIME TYPE",
      "a://{id}      any",
    ],
  );
  assert.deepEqual(resourcesTable([]), ["(no resources)"]);
  assert.deepEqual(
    promptsTable([{
      name: "greet",
      description: "Greets.",
      arguments: [{ name: "who", required: true }, { name: "tone" }],
    }]),
    ["NAME   ARGUMENTS   DESCRIPTION", "greet  who [tone]  Greets."],
  );
});

test("server summary lists identity, protocol and capabilities", () => {
  assert.deepEqual(
    serverSummaryLines({
      serverInfo: { name: "demo", version: "1.0.0" },
      protocolVersion: "2026-07-28",
      era: "modern",
      supportedVersions: ["2026-07-28"],
      capabilities: { tools: { listChanged: true }, prompts: {}, logging: {} },
      instructions: "Be nice.",
    }),
    [
      "Server:    demo 1.0.0",
      "Protocol:  2026-07-28 (modern)",
      "Supports:  2026-07-28",
      "Capabilities:",
      "  logging",
      "  prompts",
      "  tools: listChanged",
      "Instructions:",
      "  Be nice.",
    ],
  );
});

test("extensions come from MIME types", () => {
  assert.equal(extensionFor("image/png"), "png");
  assert.equal(extensionFor("image/jpeg"), "jpg");
  assert.equal(extensionFor("audio/wav"), "wav");
  assert.equal(extensionFor("audio/mpeg"), "mp3");
  assert.equal(extensionFor("image/svg+xml"), "svg");
  assert.equal(extensionFor("application/pdf; q=1"), "pdf");
  assert.equal(extensionFor(undefined), "bin");
  assert.equal(extensionFor("weird"), "bin");
});

test("a call result prints text, saves images and shows structured content", async () => {
  await withTemp(async (dir) => {
    const lines = await callResultLines({
      content: [
        { type: "text", text: "here" },
        { type: "image", data: PIXEL_PNG, mimeType: "image/png" },
        { type: "audio", data: "AAEC", mimeType: "audio/wav" },
        { type: "resource_link", uri: "a://1", name: "one" },
      ],
      structuredContent: { ok: true },
    }, { outDir: dir, stem: "my tool" });
    const image = joinPath(dir, "my_tool-1.png");
    const audio = joinPath(dir, "my_tool-2.wav");
    assert.deepEqual(lines, [
      "here",
      `[image image/png saved to ${image}]`,
      `[audio audio/wav saved to ${audio}]`,
      "[resource link a://1 (one)]",
      jsonText({ ok: true }),
    ]);
    assert.deepEqual(await readBinaryFile(image), pixelBytes());
    assert.deepEqual(await readBinaryFile(audio), new Uint8Array([0, 1, 2]));
  });
});

test("structured content mirrored in a text block is shown once", async () => {
  const lines = await callResultLines({
    content: [{ type: "text", text: '{"sum":3}' }],
    structuredContent: { sum: 3 },
  }, { outDir: ".", stem: "add" });
  assert.deepEqual(lines, ['{"sum":3}']);
});

test("a wrapped { result } whose value is the text is shown once", async () => {
  const lines = await callResultLines({
    content: [{ type: "text", text: "7" }],
    structuredContent: { result: 7 },
  }, { outDir: ".", stem: "add" });
  assert.deepEqual(lines, ["7"]);
});

test("resource contents: text printed, blobs saved", async () => {
  await withTemp(async (dir) => {
    const out = joinPath(dir, "nested");
    const lines = await readResultLines({
      contents: [
        { uri: "a://t", text: "hello" },
        { uri: "a://b", mimeType: "image/png", blob: PIXEL_PNG },
      ],
    }, { outDir: out, stem: "resource" });
    const saved = joinPath(out, "resource-1.png");
    assert.deepEqual(lines, ["hello", `[a://b image/png saved to ${saved}]`]);
    assert.deepEqual(await readBinaryFile(saved), pixelBytes());
  });
});

test("prompt messages and completions", async () => {
  assert.deepEqual(
    await promptResultLines({
      description: "A greeting",
      messages: [{ role: "user", content: { type: "text", text: "Hello Ada" } }],
    }, { outDir: ".", stem: "greet" }),
    ["# A greeting", "user:", "Hello Ada"],
  );
  assert.deepEqual(completionLines({ completion: { values: ["1", "12"], total: 5 } }), [
    "1",
    "12",
    "(3 more)",
  ]);
  assert.deepEqual(completionLines({ completion: { values: [], hasMore: true } }), [
    "(no completions)",
    "(more available)",
  ]);
});

test("progress frames and a bar drawn in place", () => {
  assert.equal(
    progressFrame({ progress: 1, total: 2, message: "half" }, 10),
    "[#####-----]  50% half",
  );
  assert.equal(progressFrame({ progress: 7 }), "7");
  const writes: string[] = [];
  const bar = createProgressBar((text) => writes.push(text));
  bar.update({ progress: 1, total: 4 });
  bar.update({ progress: 4, total: 4 });
  bar.clear();
  assert.equal(writes.length, 3);
  assert.match(writes[0], /^\r\[#+-+\] {2}25%$/);
  assert.match(writes[1], /^\r\[#+\] 100%$/);
  assert.match(writes[2], /^\r +\r$/);
  const silent = createProgressBar(undefined);
  silent.update({ progress: 1 });
  silent.clear();
});
