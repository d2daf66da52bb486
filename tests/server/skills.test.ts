import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode } from "../../protocol/errors.ts";
import type { JsonObject, JsonRpcRequest } from "../../protocol/jsonrpc.ts";
import { SKILLS_EXTENSION } from "../../protocol/skills.ts";
import { sha256Digest } from "../../protocol/digest.ts";
import { fromFileUrl } from "../../runtime/mod.ts";
import type { ServerOptions } from "../../server/options.ts";
import { McpServer } from "../../server/server.ts";
import { SkillError } from "../../server/skills/definition.ts";
import { createSkillsExtension } from "../../server/skills/extension.ts";
import { loadSkills } from "../../server/skills/load.ts";
import type { SkillDefinition } from "../../server/skills/definition.ts";
import { createLegacySession } from "../../transports/session.ts";
import { modern } from "./helpers.ts";

type Reply = { result?: JsonObject; error?: { code: number; message: string } };

const SKILL_MD =
  "---\nname: pdf-processing\ndescription: Extract, fill, and assemble PDF documents\n" +
  "metadata:\n  author: tests\n---\n# PDF\n";
const FORMS = "# Forms\n";

const pdf: SkillDefinition = {
  path: "pdf-processing",
  files: [
    { path: "references/FORMS.md", content: FORMS },
    { path: "SKILL.md", content: SKILL_MD },
  ],
};
const notes: SkillDefinition = {
  path: "acme/release-notes",
  files: [{
    path: "SKILL.md",
    content: "---\nname: release-notes\ndescription: Write release notes\n---\nSteps.\n",
  }],
};

const sha = sha256Digest;
const bytes = (text: string) => new TextEncoder().encode(text).byteLength;

function serverWith(options: ServerOptions): McpServer {
  return new McpServer({ name: "skills", version: "1.0.0" }, options);
}

async function call(server: McpServer, method: string, params: JsonObject = {}): Promise<Reply> {
  return await server.handleRequest(modern(method, params)) as Reply;
}

async function ok(server: McpServer, method: string, params: JsonObject = {}): Promise<JsonObject> {
  const reply = await call(server, method, params);
  assert.ok(reply.result, JSON.stringify(reply));
  return reply.result;
}

async function initialize(server: McpServer): Promise<JsonObject> {
  const session = createLegacySession(() => {});
  const request: JsonRpcRequest = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    },
  };
  const reply = await server.handleRequest(request, { session }) as Reply;
  return reply.result!;
}

describe("skills extension: declaration", () => {
  test("is declared nowhere and serves nothing unless configured", async () => {
    const server = serverWith({});
    const discovered = await ok(server, "server/discover");
    const capabilities = discovered.capabilities as JsonObject;
    assert.equal(
      (capabilities.extensions as JsonObject | undefined)?.[SKILLS_EXTENSION],
      undefined,
    );
    const init = await initialize(server);
    assert.equal((init.capabilities as JsonObject).extensions, undefined);
    assert.equal((await call(server, "skills/list")).error?.code, ErrorCode.MethodNotFound);
    assert.equal(
      (await call(server, "skills/get", { uri: "skill://x/SKILL.md" })).error?.code,
      ErrorCode.MethodNotFound,
    );
  });

  test("is declared inline in server/discover and initialize alike, with resources", async () => {
    const server = serverWith({ skills: { skills: [pdf], directoryRead: true } });
    for (
      const capabilities of [
        (await ok(server, "server/discover")).capabilities as JsonObject,
        (await initialize(server)).capabilities as JsonObject,
      ]
    ) {
      assert.deepEqual((capabilities.extensions as JsonObject)[SKILLS_EXTENSION], {
        directoryRead: true,
      });
      assert.ok(capabilities.resources);
    }
    const plain = serverWith({ skills: { skills: [pdf] } });
    const caps = (await ok(plain, "server/discover")).capabilities as JsonObject;
    assert.deepEqual((caps.extensions as JsonObject)[SKILLS_EXTENSION], {});
    assert.equal(
      (await call(plain, "resources/directory/read", { uri: "skill://pdf-processing" })).error
        ?.code,
      ErrorCode.MethodNotFound,
    );
  });
});

describe("skills extension: skills/list and skills/get", () => {
  test("lists entries with the digest and size of every file, SKILL.md first", async () => {
    const server = serverWith({
      skills: { skills: [pdf, notes] },
      cache: { ttlMs: 5000, cacheScope: "private" },
    });
    const result = await ok(server, "skills/list");
    assert.equal(result.ttlMs, 5000);
    assert.equal(result.cacheScope, "private");
    assert.equal(result.nextCursor, undefined);
    const [first, second] = result.skills as JsonObject[];
    assert.deepEqual(first, {
      uri: "skill://pdf-processing/SKILL.md",
      frontmatter: {
        name: "pdf-processing",
        description: "Extract, fill, and assemble PDF documents",
        metadata: { author: "tests" },
      },
      resources: [
        {
          uri: "skill://pdf-processing/SKILL.md",
          digest: await sha(SKILL_MD),
          size: bytes(SKILL_MD),
        },
        {
          uri: "skill://pdf-processing/references/FORMS.md",
          digest: await sha(FORMS),
          size: bytes(FORMS),
        },
      ],
    });
    assert.equal(second.uri, "skill://acme/release-notes/SKILL.md");
    // Pinned independently of sha256Digest: sha256 of "# Forms\n".
    assert.equal(
      (first.resources as JsonObject[])[1].digest,
      "sha256:111198a69a324efe68bb9dd7e0ca9cb2e50e1c374da3d383a7d3569824965082",
    );
  });

  test("pages with nextCursor and refuses a bad cursor", async () => {
    const server = serverWith({ skills: { skills: [pdf, notes], pageSize: 1 } });
    const first = await ok(server, "skills/list");
    assert.equal((first.skills as JsonObject[]).length, 1);
    assert.equal(typeof first.nextCursor, "string");
    const second = await ok(server, "skills/list", { cursor: first.nextCursor as string });
    assert.equal((second.skills as JsonObject[])[0].uri, "skill://acme/release-notes/SKILL.md");
    assert.equal(second.nextCursor, undefined);
    assert.equal(
      (await call(server, "skills/list", { cursor: "nope" })).error?.code,
      ErrorCode.InvalidParams,
    );
  });

  test("skills/get returns the list entry, and -32602 for an unknown URI", async () => {
    const server = serverWith({ skills: { skills: [pdf] } });
    const listed = ((await ok(server, "skills/list")).skills as JsonObject[])[0];
    const got = await ok(server, "skills/get", { uri: "skill://pdf-processing/SKILL.md" });
    assert.deepEqual(got.skill, listed);
    assert.equal(got.nextCursor, undefined);
    assert.equal(got.resultType, "complete");
    assert.equal(typeof got.ttlMs, "number");
    const unknown = await call(server, "skills/get", { uri: "skill://other/SKILL.md" });
    assert.equal(unknown.error?.code, ErrorCode.InvalidParams);
    assert.equal((await call(server, "skills/get", {})).error?.code, ErrorCode.InvalidParams);
  });

  test("serves legacy sessions too", async () => {
    const server = serverWith({ skills: { skills: [pdf] } });
    const session = createLegacySession(() => {});
    await server.handleRequest({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "t", version: "1" },
      },
    }, { session });
    const reply = await server.handleRequest(
      { jsonrpc: "2.0", id: 2, method: "skills/list", params: {} },
      { session },
    ) as Reply;
    assert.equal((reply.result?.skills as JsonObject[]).length, 1);
  });
});

describe("skills extension: files as resources", () => {
  test("lists SKILL.md with the frontmatter name and description, and reads every file", async () => {
    const server = serverWith({ skills: { skills: [pdf] } });
    const resources = (await ok(server, "resources/list")).resources as JsonObject[];
    const main = resources.find((r) => r.uri === "skill://pdf-processing/SKILL.md")!;
    assert.equal(main.name, "pdf-processing");
    assert.equal(main.description, "Extract, fill, and assemble PDF documents");
    assert.equal(main.mimeType, "text/markdown");
    assert.equal(main.size, bytes(SKILL_MD));
    const read = await ok(server, "resources/read", {
      uri: "skill://pdf-processing/references/FORMS.md",
    });
    assert.deepEqual(read.contents, [{
      uri: "skill://pdf-processing/references/FORMS.md",
      mimeType: "text/markdown",
      text: FORMS,
    }]);
  });

  test("resources/directory/read lists direct children, subdirectories as inode/directory", async () => {
    const server = serverWith({ skills: { skills: [pdf], directoryRead: true } });
    const root = await ok(server, "resources/directory/read", { uri: "skill://pdf-processing" });
    assert.deepEqual(root.resources, [
      {
        uri: "skill://pdf-processing/SKILL.md",
        name: "SKILL.md",
        mimeType: "text/markdown",
        size: bytes(SKILL_MD),
      },
      { uri: "skill://pdf-processing/references", name: "references", mimeType: "inode/directory" },
    ]);
    const sub = await ok(server, "resources/directory/read", {
      uri: "skill://pdf-processing/references",
    });
    assert.equal(
      (sub.resources as JsonObject[])[0].uri,
      "skill://pdf-processing/references/FORMS.md",
    );
    const file = await call(server, "resources/directory/read", {
      uri: "skill://pdf-processing/SKILL.md",
    });
    assert.equal(file.error?.code, ErrorCode.InvalidParams);
  });
});

describe("skills extension: refused skills", () => {
  const refuse = (definition: SkillDefinition, pattern: RegExp) =>
    assert.throws(() => createSkillsExtension({ skills: [definition] }), (error: unknown) => {
      assert.ok(error instanceof SkillError, String(error));
      assert.match(error.message, pattern);
      return true;
    });

  test("a skill without SKILL.md, with another name, a bad name or bad frontmatter", () => {
    refuse({ path: "x", files: [{ path: "README.md", content: "" }] }, /needs a SKILL\.md/);
    refuse({ path: "other", files: pdf.files }, /frontmatter name "pdf-processing" is not other/);
    refuse({ path: "Bad--Name", files: pdf.files }, /naming rule/);
    refuse(
      { path: "x", files: [{ path: "SKILL.md", content: "no frontmatter" }] },
      /frontmatter block/,
    );
    refuse(
      { path: "x", files: [{ path: "SKILL.md", content: "---\nname: x\n---\n" }] },
      /description/,
    );
    refuse(
      { path: "pdf-processing", files: [...pdf.files, { path: "../escape", content: "" }] },
      /leaves/,
    );
  });
});

describe("skills extension: loading a folder", () => {
  test("every folder with a SKILL.md is a skill, nested ones own their files", async () => {
    const root = fromFileUrl(new URL("./fixtures/skills", import.meta.url));
    const skills = await loadSkills(root);
    const byPath = new Map(
      skills.map((skill) => [skill.path, skill.files.map((f) => f.path).sort()]),
    );
    assert.deepEqual([...byPath.keys()].sort(), [
      "acme-tools",
      "acme-tools/nested-helper",
      "pdf-processing",
    ]);
    assert.deepEqual(byPath.get("acme-tools"), ["SKILL.md"]);
    assert.deepEqual(byPath.get("acme-tools/nested-helper"), ["SKILL.md", "notes.txt"]);
    assert.deepEqual(byPath.get("pdf-processing"), ["SKILL.md", "logo.png", "references/FORMS.md"]);

    const server = serverWith({ skills: { skills, directoryRead: true } });
    const listed = (await ok(server, "skills/list")).skills as JsonObject[];
    assert.equal(listed.length, 3);
    const logo = await ok(server, "resources/read", { uri: "skill://pdf-processing/logo.png" });
    const blob = (logo.contents as JsonObject[])[0];
    assert.equal(blob.mimeType, "image/png");
    assert.equal(typeof blob.blob, "string");
    const entry = listed.find((s) => s.uri === "skill://pdf-processing/SKILL.md")!;
    const logoEntry = (entry.resources as JsonObject[]).find((r) =>
      r.uri === "skill://pdf-processing/logo.png"
    )!;
    const raw = Uint8Array.from(atob(blob.blob as string), (c) => c.charCodeAt(0));
    assert.equal(logoEntry.digest, await sha(raw));
    assert.equal(logoEntry.size, raw.byteLength);
    const parent = await ok(server, "resources/directory/read", { uri: "skill://acme-tools" });
    assert.deepEqual((parent.resources as JsonObject[]).map((r) => [r.uri, r.mimeType]), [
      ["skill://acme-tools/SKILL.md", "text/markdown"],
      ["skill://acme-tools/nested-helper", "inode/directory"],
    ]);
  });
});
