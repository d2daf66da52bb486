/**
 * What a benchmark or a diagnostic asks of the running process: its CPU time, the runtime's
 * version and the executable to start another copy of it. All three runtimes provide a
 * Node-compatible `process` for these (Deno 2 as a global); an edge runtime without one gets
 * zeros and empty strings rather than an error.
 *
 * @module
 */
import { currentAdapter } from "./adapter.ts";

/** CPU time the process has used, in microseconds. */
export interface CpuUsage {
  /** Time spent in user code. */
  readonly user: number;
  /** Time spent in the kernel on the process's behalf. */
  readonly system: number;
}

/** Memory the process holds, in bytes. */
export interface MemoryUsage {
  /** Resident set size: all memory the operating system has given the process. */
  readonly rss: number;
  /** JavaScript heap in use. */
  readonly heapUsed: number;
}

interface ProcessLike {
  cpuUsage?: () => CpuUsage;
  memoryUsage?: () => { rss: number; heapUsed: number };
  execPath?: string;
  versions?: Record<string, string | undefined>;
}

const host = (globalThis as { process?: ProcessLike }).process;

/**
 * The CPU time this process has used so far.
 *
 * @example
 * ```ts
 * import { cpuUsage } from "./process_info.ts";
 * const before = cpuUsage();
 * // … work …
 * const after = cpuUsage();
 * console.log(after.user + after.system - before.user - before.system, "µs");
 * ```
 */
export function cpuUsage(): CpuUsage {
  return host?.cpuUsage?.() ?? { user: 0, system: 0 };
}

/**
 * The memory this process holds now (zeros where the runtime cannot tell).
 *
 * @example
 * ```ts
 * import { memoryUsage } from "./process_info.ts";
 * console.log(`${(memoryUsage().rss / 2 ** 20).toFixed(1)} MiB resident`);
 * ```
 */
export function memoryUsage(): MemoryUsage {
  const usage = host?.memoryUsage?.();
  return { rss: usage?.rss ?? 0, heapUsed: usage?.heapUsed ?? 0 };
}

/**
 * The version of the runtime executing this code (`"2.5.6"` on Deno, `"1.3.0"` on Bun,
 * `"24.11.0"` on Node), or `""` when it cannot be told.
 *
 * @example
 * ```ts
 * import { runtimeVersion } from "./process_info.ts";
 * import { runtimeName } from "./runtime.ts";
 * console.log(`${runtimeName()} ${runtimeVersion()}`);
 * ```
 */
export function runtimeVersion(): string {
  const versions = host?.versions ?? {};
  return versions[currentAdapter.name] ?? "";
}

/**
 * The path of the runtime's executable, to start another process on the same runtime, or `""`
 * when it cannot be told.
 *
 * @example
 * ```ts
 * import { executablePath } from "./process_info.ts";
 * import { spawnProcess } from "./runtime.ts";
 * const child = spawnProcess(executablePath(), ["--version"]);
 * console.log(await child.exited);
 * ```
 */
export function executablePath(): string {
  return host?.execPath ?? "";
}
