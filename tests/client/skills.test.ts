import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/mod.ts";
import {
  listSkills,
  loadSkill,
  readSkillFile,
  type SkillsTransport,
  SkillVerificationError,
} from "../../client/skills.ts";
import { ClientError } from "../../client/errors.ts";
import { sha256Digest } from "../../protocol/digest.ts";
import type { JsonObject, JsonRpcMessage } from "../../protocol/mod.ts";
import type { SkillEntry } from "../../protocol/skills.ts";
import type { Transport } from "../../protocol/transport.ts";
import { McpServer } from "../../server/server.ts";
import { connectServer } from "../../transports/connect.ts";
import { createMemoryPair } from "../../transports/memory.ts";

const info = { name: "skills-client-test", version: "1.0.0" };
const SKILL_MD =
  "---\nname: pdf-processing\ndescription: Extract, fill, and assemble PDF documents\n---\nBody.\n";
const FORMS = "# Forms\n";
const SKILL_URI = "skill://pdf-processing/SKILL.md";
const FORMS_URI = "skill://pdf-processing/references/FORMS.md";

function skillServer(): McpServer {
  return new McpServer({ name: "skills", version: "1.0.0" }, {
    skills: {
      skills: [{
        path: "pdf-processing",
        files: [{ path: "SKILL.md", content: SKILL_MD }, {
          path: "references/FORMS.md",
          content: FORMS,
        }],
      }],
    },
  });
}

/** A memory transport that records the requests the client sends. */
function recorded(transport: Transport, sent: JsonObject[]): Transport {
  return {
    start: (sink) => transport.start(sink),
    close: () => transport.close(),
    send(message: JsonRpcMessage) {
      if ("method" in message && "id" in message) {
        sent.push({ method: message.method, uri: message.params?.uri });
      }
      return transport.send(message);
    },
  };
}

async function entryFor(text: string): Promise<SkillEntry> {
  return {
    uri: SKILL_URI,
    frontmatter: {
      name: "pdf-processing",
      description: "Extract, fill, and assemble PDF documents",
    },
    resources: [
      {
        uri: SKILL_URI,
        digest: await sha256Digest(text),
        size: new TextEncoder().encode(text).byteLength,
      },
      { uri: FORMS_URI, digest: await sha256Digest(FORMS), size: FORMS.length },
    ],
  };
}

/** A fake server answering resources/read with fixed texts. */
function serving(files: { [uri: string]: string }, reads: string[] = []): SkillsTransport {
  return {
    request: () => Promise.reject(new Error("no requests expected")),
    readResource: (uri) => {
      reads.push(uri);
      return Promise.resolve({ contents: [{ uri, mimeType: "text/markdown", text: files[uri] }] });
    },
  };
}

async function refused(promise: Promise<unknown>, problem: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SkillVerificationError, String(error));
    assert.equal(error.problem, problem);
    return true;
  });
}

for (const era of ["modern", "legacy"] as const) {
  describe(`McpClient skills (${era})`, () => {
    test("lists and gets skills without reading a file, then loads on demand", async () => {
      const [clientSide, serverSide] = createMemoryPair();
      await connectServer(skillServer(), serverSide);
      const sent: JsonObject[] = [];
      const client = new McpClient(info, {
        era: era === "legacy" ? "legacy" : undefined,
        eraCache: false,
      });
      try {
        await client.connect(recorded(clientSide, sent));
        const skills = await client.listSkills();
        assert.deepEqual(skills.map((skill) => skill.uri), [SKILL_URI]);
        const entry = await client.getSkill(SKILL_URI);
        assert.deepEqual(entry, skills[0]);
        assert.equal(sent.filter((m) => m.method === "resources/read").length, 0);

        const loaded = await client.loadSkill(entry);
        assert.equal(loaded.text, SKILL_MD);
        assert.equal(loaded.frontmatter.name, "pdf-processing");
        assert.deepEqual(sent.filter((m) => m.method === "resources/read").map((m) => m.uri), [
          SKILL_URI,
        ]);
        const forms = await client.readSkillFile(entry, FORMS_URI);
        assert.equal(forms.text, FORMS);
        await refused(client.readSkillFile(entry, "skill://pdf-processing/other.md"), "unlisted");
      } finally {
        await client.close();
      }
    });
  });
}

describe("skill verification", () => {
  test("a SKILL.md of another size fails before its digest is computed", async () => {
    const entry = await entryFor(SKILL_MD);
    await refused(loadSkill(serving({ [SKILL_URI]: SKILL_MD + "extra" }), entry), "size");
  });

  test("a SKILL.md of the right size but other bytes fails on its digest", async () => {
    const entry = await entryFor(SKILL_MD);
    const tampered = SKILL_MD.replace("Body.", "Evil!");
    await refused(loadSkill(serving({ [SKILL_URI]: tampered }), entry), "digest");
  });

  test("frontmatter that differs from the entry's fails even when digest and size match", async () => {
    const tampered = SKILL_MD.replace(
      "Extract, fill, and assemble PDF documents",
      "Exfiltrate credentials",
    );
    const entry = await entryFor(tampered);
    const reads: string[] = [];
    await refused(loadSkill(serving({ [SKILL_URI]: tampered }, reads), entry), "frontmatter");
    assert.deepEqual(reads, [SKILL_URI]);
  });

  test("a verified skill loads, and its files verify one by one", async () => {
    const entry = await entryFor(SKILL_MD);
    const server = serving({ [SKILL_URI]: SKILL_MD, [FORMS_URI]: "# Tampered\n" });
    assert.equal((await loadSkill(server, entry)).text, SKILL_MD);
    await refused(readSkillFile(server, entry, FORMS_URI), "size");
  });

  test("a malformed listing is the server's protocol violation", async () => {
    const client: SkillsTransport = {
      request: () =>
        Promise.resolve({
          skills: [{
            uri: "skill://a/SKILL.md",
            frontmatter: { name: "b", description: "x" },
            resources: [],
          }],
        }),
      readResource: () => Promise.reject(new Error("no reads expected")),
    };
    await assert.rejects(listSkills(client), ClientError);
  });
});
