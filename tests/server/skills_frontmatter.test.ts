import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FrontmatterError, parseFrontmatter } from "../../protocol/frontmatter.ts";
import { sha256Digest } from "../../protocol/digest.ts";

const front = (yaml: string) => parseFrontmatter(`---\n${yaml}\n---\nBody\n`);

describe("SKILL.md frontmatter", () => {
  test("reads mappings, sequences and YAML 1.2 core-schema scalars", () => {
    assert.deepEqual(
      front([
        "name: a",
        'description: "quoted \\"x\\""',
        "license: 'it''s MIT'",
        "version: 1.0",
        "count: 3",
        "flag: true",
        "nothing:",
        "metadata:",
        "  author: me",
        "  nested:",
        "    deep: yes",
        'tags: [a, b, "c d"]',
        "list:",
        "  - one",
        "  - two: 2",
        "    three: 3",
        "allowed-tools:",
        "- Bash",
        "# a comment",
        "multi: this is",
        "  continued here",
      ].join("\n")),
      {
        name: "a",
        description: 'quoted "x"',
        license: "it's MIT",
        version: 1,
        count: 3,
        flag: true,
        nothing: null,
        metadata: { author: "me", nested: { deep: "yes" } },
        tags: ["a", "b", "c d"],
        list: ["one", { two: 2, three: 3 }],
        "allowed-tools": ["Bash"],
        multi: "this is continued here",
      },
    );
  });

  test("reads literal and folded block scalars with their chomping", () => {
    assert.deepEqual(
      front("a: |\n  one\n    two\nb: >-\n  folded\n  line\n\n  para\nc: |+\n  kept\n\nd: x"),
      {
        a: "one\n  two\n",
        b: "folded line\npara",
        c: "kept\n\n",
        d: "x",
      },
    );
  });

  test("strips a byte-order mark and accepts CRLF", () => {
    assert.deepEqual(parseFrontmatter("\ufeff---\r\nname: x\r\ndescription: y\r\n---\r\n"), {
      name: "x",
      description: "y",
    });
  });

  test("refuses what it cannot read the way YAML does", () => {
    for (
      const yaml of [
        "a: b: c",
        "a: &x 1",
        "a: *x",
        "a: !tag 1",
        "a: {b: 1}",
        "a:\n\tb: 1",
        "a: 1\na: 2",
        "  a: 1\nb: 2",
        "- a",
      ]
    ) {
      assert.throws(() => front(yaml), FrontmatterError, yaml);
    }
    assert.throws(() => parseFrontmatter("# no block\n"), FrontmatterError);
  });

  test("digests are sha256 of the UTF-8 bytes", async () => {
    assert.equal(
      await sha256Digest(""),
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.equal(await sha256Digest("é"), await sha256Digest(new Uint8Array([0xc3, 0xa9])));
  });
});
