/**
 * Timers that do their work without keeping the process alive: a keep-alive
 * ping or a late clean-up must not stop a CLI or a test from exiting.
 *
 * @module
 */

/** A handle to stop a background timer. */
export type BackgroundTimer = ReturnType<typeof setTimeout>;

// Node and Bun return an object with unref(); Deno returns a number and has
// Deno.unrefTimer. Looked up once.
const denoUnref: ((id: number) => void) | undefined =
  (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer;

function detach(timer: BackgroundTimer): BackgroundTimer {
  if (typeof timer === "number") denoUnref?.(timer);
  else (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * `setTimeout` that does not hold the process open.
 *
 * @example
 * ```ts
 * import { backgroundTimeout } from "./timers.ts";
 * const timer = backgroundTimeout(() => console.log("late clean-up"), 60_000);
 * clearTimeout(timer);
 * ```
 */
export function backgroundTimeout(callback: () => void, ms: number): BackgroundTimer {
  return detach(setTimeout(callback, ms));
}

/**
 * `setInterval` that does not hold the process open.
 *
 * @example
 * ```ts
 * import { backgroundInterval } from "./timers.ts";
 * const timer = backgroundInterval(() => console.log("ping"), 15_000);
 * clearInterval(timer);
 * ```
 */
export function backgroundInterval(callback: () => void, ms: number): BackgroundTimer {
  return detach(setInterval(callback, ms));
}
