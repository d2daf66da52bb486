/**
 * Node's on-disk cache of compiled modules (`module.enableCompileCache`, Node 22.1+): a program
 * that starts copies of itself often (the CLI's tool hosts, one per reload) skips recompiling
 * its modules — TypeScript stripping included — after the first start. Deno caches on its own;
 * Bun compiles fast enough not to need it.
 *
 * @module
 */
import { currentAdapter } from "./adapter.ts";

interface NodeModuleLike {
  enableCompileCache?: (directory?: string) => { status?: number; directory?: string };
}

let cacheDirectory: string | undefined;

/** The directory of the compile cache {@link enableCompileCache} turned on, if any. */
export function compileCacheDirectory(): string | undefined {
  return cacheDirectory;
}

/**
 * Turns Node's compile cache on for the modules this process loads from now on, and (through
 * `NODE_COMPILE_CACHE`, which `scriptCommand` sets) for the copies of this program it starts;
 * does nothing on Deno and Bun, or where the cache is unavailable. Resolves whether it is on.
 *
 * @example
 * ```ts
 * import { enableCompileCache } from "./compile_cache.ts";
 * await enableCompileCache(); // before importing what is heavy
 * ```
 */
export async function enableCompileCache(): Promise<boolean> {
  if (currentAdapter.name !== "node") return false;
  try {
    const module = (await import("node:module")) as unknown as NodeModuleLike;
    const result = module.enableCompileCache?.();
    // status 0 is FAILED, 1 ENABLED, 2 ALREADY_ENABLED, 3 DISABLED (by NODE_DISABLE_COMPILE_CACHE)
    const on = result?.status === 1 || result?.status === 2;
    if (on) cacheDirectory = result?.directory;
    return on;
  } catch {
    return false;
  }
}
