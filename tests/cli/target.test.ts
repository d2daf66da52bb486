import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseServerConfig, resolveTarget, TargetError } from "../../cli/target.ts";

const CLAUDE = {
  path: "claude_desktop_config.json",
  text: `{
    // comments are fine: read as JSONC
    "mcpServers": {
      "notes": { "command": "node", "args": ["notes.js"], "env": { "A": "1" } },
      "remote": { "url": "https://mcp.example.com/mcp", "headers": { "x-k": "v" } },
    },
  }`,
};
const VSCODE = {
  path: ".vscode/mcp.json",
  text:
    `{ "servers": { "local": { "type": "stdio", "command": "deno", "args": ["run", "s.ts"] } } }`,
};

describe("resolveTarget", () => {
  test("URLs of the four schemes are URL targets; another scheme is refused", () => {
    for (const url of ["http://a/mcp", "https://a/mcp", "ws://a/mcp", "wss://a/mcp"]) {
      assert.deepEqual(resolveTarget({ target: url }), { kind: "url", url });
    }
    assert.throws(() => resolveTarget({ target: "ftp://a/mcp" }), /unsupported URL scheme/);
  });

  test("a command after -- is a stdio target; with a target as well it is refused", () => {
    assert.deepEqual(resolveTarget({ rest: ["node", "server.js", "--x"] }), {
      kind: "stdio",
      params: { command: "node", args: ["server.js", "--x"] },
    });
    assert.throws(() => resolveTarget({ target: "a", rest: ["node"] }), TargetError);
  });

  test("a name is looked up in mcpServers and VS Code servers configs", () => {
    const notes = resolveTarget({ target: "notes" }, [CLAUDE, VSCODE]);
    assert.equal(notes.kind, "stdio");
    const local = resolveTarget({ target: "local" }, [CLAUDE, VSCODE]);
    assert.equal(local.kind, "stdio");
    const remote = resolveTarget({ target: "remote" }, [CLAUDE]);
    assert.equal(remote.kind, "url");
  });

  test("an unknown name lists the known ones", () => {
    assert.throws(
      () => resolveTarget({ target: "nope" }, [CLAUDE, VSCODE]),
      /known servers: local, notes, remote/,
    );
    assert.throws(() => resolveTarget({}), /no server given/);
  });

  test("a config that is not JSONC is refused", () => {
    assert.throws(() => parseServerConfig({ path: "mcp.json", text: "{ nope" }), Error);
  });
});
