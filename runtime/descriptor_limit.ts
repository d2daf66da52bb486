/**
 * The process's descriptor limit (`ulimit -n`), where the system tells it (Linux's
 * `/proc/self/limits`), and a connection cap kept under it: no runtime exposes `getrlimit`, and
 * a server that lets connections use every descriptor fails to accept (or, on Deno's own
 * server, dies) instead of shedding an idle one.
 *
 * @module
 */

/** The soft "Max open files" limit in the text of `/proc/self/limits`; `undefined` if none. */
export function parseDescriptorLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+)\s/m.exec(limits);
  return match === null ? undefined : Number(match[1]);
}

/**
 * `maxConnections` lowered, if need be, to leave descriptors for everything else the process
 * opens (files, pipes, outgoing connections): an eighth of the limit, at least 64.
 *
 * @example
 * ```ts
 * import { connectionsUnderLimit } from "./descriptor_limit.ts";
 * connectionsUnderLimit(900, 256); // 192
 * connectionsUnderLimit(900, 65536); // 900
 * ```
 */
export function connectionsUnderLimit(maxConnections: number, limit: number | undefined): number {
  if (limit === undefined) return maxConnections;
  const headroom = Math.max(64, Math.ceil(limit / 8));
  return Math.max(1, Math.min(maxConnections, limit - headroom));
}

/** Reads the limit with `readText` (a runtime's file reading); `undefined` where unknown. */
export async function readDescriptorLimit(
  readText: (path: string) => Promise<string>,
): Promise<number | undefined> {
  try {
    return parseDescriptorLimit(await readText("/proc/self/limits"));
  } catch {
    return undefined; // not Linux, or no permission to read it
  }
}

/** Whether `error` says the process (or the system) is out of file descriptors. */
export function isDescriptorExhaustion(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "EMFILE" || code === "ENFILE") return true;
  return /too many open files|os error 2[34]\b/i.test(String((error as Error)?.message ?? error));
}
