/**
 * A server's lifespan (FastMCP's `lifespan`): a function that runs once before
 * the first request is served and returns the state every handler reads as
 * `context.state`. A state with `[Symbol.asyncDispose]` (or `[Symbol.dispose]`)
 * is disposed when the server closes.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";

/**
 * Runs once per server, before the first request (or at `server.start()`), and
 * returns the state handlers read from `context.state`. Give the state a
 * `[Symbol.asyncDispose]` (or `[Symbol.dispose]`) method to release what it
 * holds: `server.close()` awaits it.
 *
 * @example
 * ```ts
 * import type { Lifespan } from "./lifespan.ts";
 * const lifespan: Lifespan<{ started: number; [Symbol.asyncDispose](): Promise<void> }> = () => ({
 *   started: Date.now(),
 *   async [Symbol.asyncDispose]() {
 *     console.error("closing the pool");
 *   },
 * });
 * ```
 */
export type Lifespan<State> = (server: LifespanServer) => State | Promise<State>;

/** What a lifespan may use of the server it starts: its identity. */
export interface LifespanServer {
  /** The server's name and version. */
  readonly info: { name: string; version: string };
}

/** The constructor option that gives a server its lifespan. */
export interface LifespanOptions<State> {
  /** Runs once before the first request; its result is `context.state` in every handler. */
  lifespan?: Lifespan<State>;
}

/**
 * The error every request gets when the server's lifespan threw (or the server
 * is closed); the lifespan's own error is its `cause`.
 *
 * @example
 * ```ts
 * import { LifespanError } from "./lifespan.ts";
 * const error = new LifespanError("The server's lifespan failed: no database", {
 *   cause: new Error("no database"),
 * });
 * console.log(error.code); // -32603
 * ```
 */
export class LifespanError extends McpError {
  /** Builds the error; `options.cause` is what the lifespan threw. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InternalError, message);
    this.name = "LifespanError";
    // McpError takes no options; the cause is kept as `Error.cause` all the same.
    if (options && "cause" in options) this.cause = options.cause;
  }
}

/** Runs one server's lifespan once and disposes its state once. */
export interface LifespanRunner {
  /** Runs the lifespan (once) and resolves when the state is ready. */
  start(): Promise<void>;
  /**
   * What a request must await before it is served: `undefined` when nothing
   * (no lifespan, or its state is ready), so requests stay synchronous to
   * dispatch; else `start()`.
   */
  pending(): Promise<void> | undefined;
  /** The state, once `start()` resolved; `undefined` before or without a lifespan. */
  state(): unknown;
  /** Disposes the state (once, after a start in progress settles); later starts of a lifespan fail. */
  close(): Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function dispose(state: unknown): Promise<void> {
  if ((typeof state !== "object" && typeof state !== "function") || state === null) return;
  const holder = state as { [key: symbol]: unknown };
  const asyncDispose = typeof Symbol.asyncDispose === "symbol"
    ? holder[Symbol.asyncDispose]
    : undefined;
  const syncDispose = typeof Symbol.dispose === "symbol" ? holder[Symbol.dispose] : undefined;
  const disposer = typeof asyncDispose === "function" ? asyncDispose : syncDispose;
  if (typeof disposer === "function") await disposer.call(state);
}

/** The runner of `lifespan` for `server`; without a lifespan it only tracks closing. */
export function createLifespanRunner(
  server: LifespanServer,
  lifespan: Lifespan<unknown> | undefined,
): LifespanRunner {
  let started: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  let value: unknown;
  let ready = false;
  const run = async (): Promise<void> => {
    if (!lifespan) return;
    try {
      value = await lifespan(server);
      ready = true;
    } catch (error) {
      throw new LifespanError(`The server's lifespan failed: ${describe(error)}`, {
        cause: error,
      });
    }
  };
  return {
    start() {
      // Without a lifespan there is no state to have ended: a closed server still serves.
      if (closed && lifespan) {
        return Promise.reject(new LifespanError("The server is closed; its lifespan has ended"));
      }
      return started ??= run();
    },
    pending() {
      if (!lifespan || (ready && !closed)) return undefined;
      return this.start();
    },
    state: () => value,
    close() {
      return closed ??= (async () => {
        const pending = started;
        if (!pending) return;
        try {
          await pending;
        } catch {
          return; // The lifespan never produced a state, so there is nothing to dispose.
        }
        await dispose(value);
      })();
    },
  };
}

const runners = new WeakMap<object, LifespanRunner>();

/** Ties `runner` to a server's core, so handler runs can read the state. */
export function bindLifespan(core: object, runner: LifespanRunner): void {
  runners.set(core, runner);
}

/** The lifespan state of the server owning `core`, or `undefined`. */
export function lifespanState(core: object): unknown {
  return runners.get(core)?.state();
}
