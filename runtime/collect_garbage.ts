/**
 * A full garbage collection on demand, for tests and benchmarks that measure memory: without
 * one, `heapUsed` says as much about when the collector last ran as about what is kept.
 *
 * @module
 */

interface GcGlobals {
  gc?: () => void;
  Bun?: { gc?: (force: boolean) => void };
}

function findCollector(): (() => void) | undefined {
  const globals = globalThis as GcGlobals;
  if (typeof globals.gc === "function") return globals.gc;
  const bun = globals.Bun;
  if (typeof bun?.gc === "function") return () => bun.gc!(true);
  return undefined;
}

/**
 * Runs a full garbage collection where the runtime lets a program ask for one: always on Bun,
 * and on Node and Deno when started with `--expose-gc` (`node --expose-gc`,
 * `deno run --v8-flags=--expose-gc`, as the test command does). Returns `false` where it
 * cannot.
 *
 * @example
 * ```ts
 * import { collectGarbage } from "./collect_garbage.ts";
 * import { memoryUsage } from "./process_info.ts";
 * collectGarbage();
 * console.log(`${(memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB live`);
 * ```
 */
export function collectGarbage(): boolean {
  const collect = findCollector();
  collect?.();
  return collect !== undefined;
}
