/**
 * A lock shared between processes: a lock file beside the file it guards
 * (`<path>.lock`), created with exclusive create (`O_EXCL`), so only one
 * process at a time re-reads, changes and replaces the guarded file. A lock
 * left behind by a process that died is taken over once it is older than
 * `staleMs`.
 *
 * @module
 */
import { createFileExclusive, fileInfo, readTextFile, removeFile } from "../../runtime/mod.ts";

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** A lock file older than this is a dead process's and is taken over, in ms. Default 10 000. */
  staleMs?: number;
  /** Give up waiting for the lock after this long, in ms. Default 30 000. */
  timeoutMs?: number;
}

/** The lock of a file stayed held by another process for longer than `timeoutMs`. */
export class FileLockTimeoutError extends Error {
  /** The lock file. */
  readonly lockPath: string;

  /** Creates the error for `lockPath`. */
  constructor(lockPath: string, waitedMs: number) {
    super(
      `The lock ${lockPath} was held by another process for ${waitedMs} ms; ` +
        "delete it if no other process is using the file",
    );
    this.name = "FileLockTimeoutError";
    this.lockPath = lockPath;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Removes the lock only while it still holds this owner's token (it was not taken over). */
async function release(lockPath: string, owner: string): Promise<void> {
  const held = await readTextFile(lockPath).catch(() => undefined);
  if (held === owner) await removeFile(lockPath, { ignoreMissing: true });
}

/**
 * Runs `run` while holding the lock of `path` (the file `<path>.lock`),
 * waiting for another process to release it first, and releases it after.
 * The lock's directory must exist. Waiting is polling with a short,
 * growing, jittered pause; rejects with {@link FileLockTimeoutError} after
 * `timeoutMs`. A stale lock (older than `staleMs`) is removed and the lock
 * taken; `run` must take far less than `staleMs`, or another process may
 * take the lock over while it runs.
 *
 * @example
 * ```ts
 * import { withFileLock } from "./file_lock.ts";
 * import { readTextFile, writeFileAtomic } from "../../runtime/mod.ts";
 * await withFileLock("counter.txt", async () => {
 *   const count = Number(await readTextFile("counter.txt").catch(() => "0"));
 *   await writeFileAtomic("counter.txt", String(count + 1));
 * });
 * ```
 */
export async function withFileLock<T>(
  path: string,
  run: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const lockPath = `${path}.lock`;
  // The real clock: staleness compares it with the file system's modification times.
  const now = Date.now;
  const staleMs = options.staleMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const owner = `${now()} ${crypto.randomUUID()}\n`;
  const started = now();
  let pause = 2;
  while (!await createFileExclusive(lockPath, owner, { mode: 0o600 })) {
    const modified = (await fileInfo(lockPath))?.modifiedMs;
    if (modified !== undefined && now() - modified > staleMs) {
      // Its holder died (a live one holds it for milliseconds): take it over.
      await removeFile(lockPath, { ignoreMissing: true });
      continue;
    }
    const waited = now() - started;
    if (waited >= timeoutMs) throw new FileLockTimeoutError(lockPath, waited);
    await delay(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 50);
  }
  try {
    return await run();
  } finally {
    await release(lockPath, owner);
  }
}
