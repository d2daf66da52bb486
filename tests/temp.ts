/**
 * A temporary directory for a test: created empty, removed afterwards whatever happens.
 */
import { tmpdir } from "node:os";
import { joinPath, makeDirectory, removeFile } from "../runtime/mod.ts";

/** Runs `body` with a new empty directory whose name starts with `prefix`, then removes it. */
export async function withTempDir<T>(
  prefix: string,
  body: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = joinPath(tmpdir(), `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await makeDirectory(dir, { recursive: true });
  try {
    return await body(dir);
  } finally {
    await removeFile(dir, { recursive: true, ignoreMissing: true });
  }
}
