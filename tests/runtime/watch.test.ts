import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import {
  executablePath,
  type FileChange,
  FileNotFoundError,
  joinPath,
  makeDirectory,
  removeFile,
  runtimeName,
  spawnProcess,
  watchPaths,
  writeTextFile,
} from "../../runtime/mod.ts";
import type { NativeWatchEvent } from "../../runtime/file_system.ts";
import { watchNodePaths } from "../../runtime/node_watch.ts";
import { deferred, within } from "../async.ts";

const WAIT_MS = 5_000;
let root = "";

before(async () => {
  // Watchers report canonical paths; resolve any symbolic link in the temporary directory.
  root = await realpath(await mkdtemp(joinPath(tmpdir(), "emcee-watch-")));
});

after(async () => {
  await removeFile(root, { recursive: true, ignoreMissing: true });
});

/** Collects delivered items, and resolves waits on the first item after the wait began. */
function recorder<T>() {
  const seen: T[] = [];
  const batches: T[][] = [];
  const waiters = new Set<{ from: number; match: (item: T) => boolean; resolve(): void }>();
  return {
    seen,
    batches,
    record(items: T[]): void {
      batches.push(items);
      seen.push(...items);
      for (const waiter of waiters) {
        if (seen.slice(waiter.from).some(waiter.match)) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
    },
    /** Call before causing the change, await after. */
    waitFor(match: (item: T) => boolean, what: string): () => Promise<void> {
      const done = deferred();
      waiters.add({ from: seen.length, match, resolve: done.resolve });
      return () => within(done.promise, WAIT_MS, what);
    },
  };
}

async function freshDirectory(name: string): Promise<string> {
  const path = joinPath(root, name);
  await makeDirectory(path, { recursive: true });
  return path;
}

const change = (path: string, kind: FileChange["kind"]) => (item: FileChange): boolean =>
  item.path === path && item.kind === kind;

describe("watchPaths", () => {
  test("sees a file created, modified and removed in a nested directory", async () => {
    const watched = await freshDirectory("nested");
    const deep = joinPath(watched, "a", "b");
    await makeDirectory(deep, { recursive: true });
    const file = joinPath(deep, "tool.ts");
    const changes = recorder<FileChange>();
    const stop = new AbortController();
    try {
      await watchPaths([watched], changes.record, { signal: stop.signal });

      const created = changes.waitFor(change(file, "create"), "create");
      await writeTextFile(file, "export const v = 1;");
      await created();

      const modified = changes.waitFor(change(file, "modify"), "modify");
      await writeTextFile(file, "export const v = 2;");
      await modified();

      const removed = changes.waitFor(change(file, "remove"), "remove");
      await removeFile(file);
      await removed();
    } finally {
      stop.abort();
    }
  });

  test("sees files in a directory created after watching began", async () => {
    const watched = await freshDirectory("new-subdirectory");
    const changes = recorder<FileChange>();
    const stop = new AbortController();
    try {
      await watchPaths([watched], changes.record, { signal: stop.signal });
      const file = joinPath(watched, "late", "tool.ts");
      const seen = changes.waitFor((item) => item.path === file, "file in new directory");
      await makeDirectory(joinPath(watched, "late"));
      await writeTextFile(file, "x");
      await seen();
    } finally {
      stop.abort();
    }
  });

  test("delivers a burst of changes as one batch", async () => {
    const watched = await freshDirectory("burst");
    const changes = recorder<FileChange>();
    const stop = new AbortController();
    const names = ["one.ts", "two.ts", "three.ts"].map((name) => joinPath(watched, name));
    try {
      // A wide quiet window, so a loaded CI machine writing the three files slowly is still one burst.
      await watchPaths([watched], changes.record, { signal: stop.signal, debounceMs: 1000 });
      const last = changes.waitFor((item) => item.path === names[2], "burst");
      for (const name of names) await writeTextFile(name, "x");
      await last();
      assert.equal(changes.batches.length, 1);
      assert.deepEqual(
        changes.batches[0].map((item) => item.path).sort(),
        [...names].sort(),
      );
      assert.ok(changes.batches[0].every((item) => item.kind === "create"));
    } finally {
      stop.abort();
    }
  });

  test("delivers nothing after abort", async () => {
    const watched = await freshDirectory("aborted");
    const stopped = recorder<FileChange>();
    const first = new AbortController();
    await watchPaths([watched], stopped.record, { signal: first.signal, debounceMs: 10 });
    first.abort();
    // A second watcher with a longer debounce: were the first still live, it would have
    // delivered the same change before this one does.
    const witness = recorder<FileChange>();
    const second = new AbortController();
    try {
      await watchPaths([watched], witness.record, { signal: second.signal, debounceMs: 100 });
      const file = joinPath(watched, "after-abort.ts");
      const seen = witness.waitFor((item) => item.path === file, "witness");
      await writeTextFile(file, "x");
      await seen();
      assert.deepEqual(stopped.seen, []);
    } finally {
      second.abort();
    }
  });

  test("rejects for a missing path, and for an aborted signal", async () => {
    await assert.rejects(
      watchPaths([joinPath(root, "not-there")], () => {}, {
        signal: new AbortController().signal,
      }),
      FileNotFoundError,
    );
    await assert.rejects(
      watchPaths([root], () => {}, { signal: AbortSignal.abort() }),
      { name: "AbortError" },
    );
  });

  test("an aborted watcher does not keep the process alive", async () => {
    const fixture = new URL("./fixtures/watch_abort.ts", import.meta.url).pathname;
    const runtimeArgs = runtimeName() === "deno" ? ["run", "-A", fixture] : [fixture];
    const child = spawnProcess(executablePath(), [...runtimeArgs, root]);
    await child.stdin.close();
    const output = new Response(child.stdout).text();
    try {
      assert.deepEqual(await within(child.exited, 15_000, "child exit"), {
        code: 0,
        signal: null,
      });
      assert.equal(await output, "watching\n");
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("watchNodePaths without recursive watching (one watcher per directory)", () => {
  test("sees changes in existing and new subdirectories", async () => {
    const watched = await freshDirectory("per-directory");
    const deep = joinPath(watched, "a", "b");
    await makeDirectory(deep, { recursive: true });
    const events = recorder<NativeWatchEvent>();
    const errors: unknown[] = [];
    const watcher = await watchNodePaths(
      [watched],
      (event) => events.record([event]),
      (error) => errors.push(error),
      { recursive: false },
    );
    try {
      const existing = joinPath(deep, "tool.ts");
      const created = events.waitFor((event) => event.path === existing, "existing dir");
      await writeTextFile(existing, "x");
      await created();

      const late = joinPath(watched, "late", "inner");
      const lateFile = joinPath(late, "tool.ts");
      const seen = events.waitFor((event) => event.path === lateFile, "new dir");
      await makeDirectory(late, { recursive: true });
      await writeTextFile(lateFile, "x");
      await seen();

      const removed = events.waitFor(
        (event) => event.path === existing && event.kind === "rename",
        "removal",
      );
      await removeFile(existing);
      await removed();
      assert.deepEqual(errors, []);
    } finally {
      watcher.close();
    }
  });
});
