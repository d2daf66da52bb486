/**
 * fileTokenStore across processes: every change holds the lock file `<path>.lock`, so two
 * processes writing different servers' tokens at once lose none, a lock left behind by a dead
 * process is taken over once stale, and a live one is waited for (or times out with a clear error).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { utimes } from "node:fs/promises";
import { fileTokenStore, TokenFileError } from "../../auth/oauth_client/file_store.ts";
import {
  createFileExclusive,
  fileInfo,
  fromFileUrl,
  joinPath,
  readTextFile,
  removeFile,
  scriptCommand,
  spawnProcess,
  writeTextFile,
} from "../../runtime/mod.ts";
import { childLines } from "../child_lines.ts";
import { within } from "../async.ts";
import { withTempDir } from "../temp.ts";

const WRITER = fromFileUrl(new URL("./fixtures/token_writer.ts", import.meta.url));
const KEY = { issuer: "https://auth.example.com", resource: "https://mcp.example.com/mcp" };
const TOKENS = { accessToken: "t", tokenType: "Bearer" as const, obtainedAt: 1 };

function startWriter(path: string, name: string, count: number) {
  const { command, args, env } = scriptCommand(WRITER, [path, name, String(count)]);
  const child = spawnProcess(command, args, env === undefined ? {} : { env });
  return { child, lines: childLines(child.stdout) };
}

describe("fileTokenStore across processes", () => {
  test("two processes writing different servers' tokens at once lose none", async () => {
    await withTempDir("emcee-token-lock", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      const count = 25;
      const writers = [startWriter(path, "alpha", count), startWriter(path, "beta", count)];
      try {
        for (const writer of writers) await writer.lines.match(/^ready$/, "writer ready", 20_000);
        // Both are loaded and waiting: end their stdin together so they write at once.
        await Promise.all(writers.map((writer) => writer.child.stdin.close()));
        for (const writer of writers) {
          assert.deepEqual(await within(writer.child.exited, 20_000, "writer exit"), {
            code: 0,
            signal: null,
          });
        }
      } finally {
        for (const writer of writers) writer.child.kill("SIGKILL");
      }
      const document = JSON.parse(await readTextFile(path));
      const names = Object.values(document.tokens as { [key: string]: { accessToken: string } })
        .map((tokens) => tokens.accessToken).sort();
      const expected = ["alpha", "beta"].flatMap((name) =>
        Array.from({ length: count }, (_, i) => `${name}-${i}`)
      ).sort();
      assert.deepEqual(names, expected, "no process's write lost the other's entries");
      assert.equal(await fileInfo(`${path}.lock`), undefined, "the lock is released");
      assert.equal((await fileInfo(path))!.mode! & 0o777, 0o600);
    });
  });

  test("a stale lock left by a dead process is taken over", async () => {
    await withTempDir("emcee-token-lock", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      await writeTextFile(`${path}.lock`, "dead process\n");
      const longAgo = new Date(Date.now() - 60_000);
      await utimes(`${path}.lock`, longAgo, longAgo);
      const store = fileTokenStore(path, { lock: { staleMs: 10_000, timeoutMs: 5_000 } });
      await within(store.setTokens(KEY, TOKENS), 5_000, "write past a stale lock");
      assert.equal((await store.getTokens(KEY))?.accessToken, "t");
      assert.equal(await fileInfo(`${path}.lock`), undefined);
    });
  });

  test("a live lock is waited for, and the write goes through once it is released", async () => {
    await withTempDir("emcee-token-lock", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      assert.equal(await createFileExclusive(`${path}.lock`, "other process\n"), true);
      assert.equal(await createFileExclusive(`${path}.lock`, "another\n"), false, "exclusive");
      const store = fileTokenStore(path);
      let done = false;
      const writing = store.setTokens(KEY, TOKENS).then(() => void (done = true));
      // The write cannot finish while the lock is held: it has not, once the file is checked.
      assert.equal(await fileInfo(path), undefined);
      assert.equal(done, false);
      await removeFile(`${path}.lock`);
      await within(writing, 5_000, "write after release");
      assert.equal((await store.getTokens(KEY))?.accessToken, "t");
    });
  });

  test("a lock held longer than timeoutMs fails the write with a TokenFileError naming the lock", async () => {
    await withTempDir("emcee-token-lock", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      await writeTextFile(`${path}.lock`, "busy\n");
      const store = fileTokenStore(path, { lock: { staleMs: 60_000, timeoutMs: 100 } });
      await assert.rejects(store.setTokens(KEY, TOKENS), (error: unknown) => {
        assert.ok(error instanceof TokenFileError);
        assert.equal(error.path, path);
        assert.ok(error.message.includes(`${path}.lock`), error.message);
        return true;
      });
      assert.equal(await readTextFile(`${path}.lock`), "busy\n", "someone else's lock is kept");
      assert.equal(await fileInfo(path), undefined);
    });
  });
});
