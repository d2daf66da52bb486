import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  audio,
  embeddedResource,
  encodeBase64,
  image,
  McpServer,
  resourceLink,
  text,
} from "../../server/mod.ts";
import { modern } from "./helpers.ts";

/** Decodes base64 with the Web-standard `atob`, independently of the encoder under test. */
function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

function bytes(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  for (let index = 0; index < length; index++) out[index] = (index * 31 + seed) & 0xff;
  return out;
}

describe("base64", () => {
  test("RFC 4648 test vectors", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, encoded] of vectors) {
      assert.equal(encodeBase64(new TextEncoder().encode(plain)), encoded, plain);
    }
  });

  test("every byte value and every length modulo 3 round-trip", () => {
    const all = Uint8Array.from({ length: 256 }, (_, index) => index);
    assert.deepEqual(decode(encodeBase64(all)), all);
    for (let length = 0; length <= 10; length++) {
      const data = bytes(length, 250);
      assert.deepEqual(decode(encodeBase64(data)), data, `length ${length}`);
    }
  });

  test("non-ASCII text bytes and inputs beyond one chunk round-trip", () => {
    const utf8 = new TextEncoder().encode("héllo wörld — 日本語 🎉");
    assert.equal(utf8.length % 3 !== 0, true);
    assert.deepEqual(decode(encodeBase64(utf8)), utf8);
    for (const length of [3 * 8192 - 1, 3 * 8192, 3 * 8192 + 1, 100_001]) {
      const data = bytes(length);
      assert.deepEqual(decode(encodeBase64(data)), data, `length ${length}`);
    }
  });

  test("views are encoded over their own bytes only; ArrayBuffers and typed arrays work", () => {
    const backing = bytes(16);
    const view = backing.subarray(5, 9);
    assert.deepEqual(decode(encodeBase64(view)), backing.slice(5, 9));
    assert.equal(encodeBase64(new DataView(backing.buffer, 5, 4)), encodeBase64(view));
    assert.equal(encodeBase64(backing.buffer), encodeBase64(backing));
    assert.equal(encodeBase64(new Uint16Array([0x0201])), encodeBase64(new Uint8Array([1, 2])));
  });
});

describe("content helpers", () => {
  test("text", () => {
    assert.deepEqual(text("Hello"), { type: "text", text: "Hello" });
    assert.deepEqual(text("x", { annotations: { priority: 1 }, _meta: { k: 1 } }), {
      type: "text",
      text: "x",
      annotations: { priority: 1 },
      _meta: { k: 1 },
    });
    assert.throws(() => text(3 as never), /text\(\) takes a string, got number/);
  });

  test("image and audio encode bytes and keep base64 strings", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d]);
    assert.deepEqual(image(png, "image/png"), {
      type: "image",
      data: "iVBORw0=",
      mimeType: "image/png",
    });
    assert.deepEqual(image("iVBORw0=", "image/png"), image(png, "image/png"));
    const wav = bytes(7);
    const block = audio(wav, "audio/wav", { annotations: { audience: ["user"] } });
    assert.equal(block.type, "audio");
    assert.deepEqual(decode(block.data), wav);
    assert.deepEqual(block.annotations, { audience: ["user"] });
  });

  test("bad input is refused clearly", () => {
    assert.throws(() => image("not base64!", "image/png"), /image\(\): the string is not base64/);
    assert.throws(() => image("abc", "image/png"), /not base64/);
    assert.throws(() => image(new Uint8Array(1), ""), /image\(\): mimeType must be a non-empty/);
    assert.throws(
      () => audio([1, 2] as never, "audio/wav"),
      (error) =>
        error instanceof TypeError && /audio\(\): expected bytes .* got Array/.test(error.message),
    );
  });

  test("resourceLink and embeddedResource", () => {
    assert.deepEqual(
      resourceLink({ uri: "file:///r.pdf", name: "report", mimeType: "application/pdf" }),
      { type: "resource_link", uri: "file:///r.pdf", name: "report", mimeType: "application/pdf" },
    );
    assert.throws(() => resourceLink({ uri: "file:///r", name: "" }), /name must be a non-empty/);
    assert.deepEqual(embeddedResource({ uri: "memo://1", mimeType: "text/plain", text: "milk" }), {
      type: "resource",
      resource: { uri: "memo://1", mimeType: "text/plain", text: "milk" },
    });
    const blob = new TextEncoder().encode("é");
    assert.deepEqual(
      embeddedResource({ uri: "file:///e", blob }, { annotations: { priority: 0 } }),
      {
        type: "resource",
        resource: { uri: "file:///e", blob: "w6k=" },
        annotations: { priority: 0 },
      },
    );
    assert.throws(
      () => embeddedResource({ uri: "x://" } as never),
      /needs a text string or a blob/,
    );
  });

  test("a tool returns them in a CallToolResult; they reach the client as built", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const png = bytes(10);
    server.tool({
      name: "chart",
      handler: () => ({ content: [text("Sales"), image(png, "image/png")] }),
    });
    const response = await server.handleRequest(modern("tools/call", { name: "chart" }));
    assert.ok("result" in response);
    const [caption, picture] = response.result.content as { text?: string; data?: string }[];
    assert.equal(caption.text, "Sales");
    assert.deepEqual(decode(picture.data!), png);
  });
});
