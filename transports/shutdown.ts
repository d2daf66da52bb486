/**
 * The graceful-shutdown settings the serve functions share (`serveMcpHttp`,
 * `serveStdio`), and how they turn `SIGINT`/`SIGTERM` into one graceful close.
 * The library never exits the process: once closed, nothing it started keeps
 * the process alive, and the caller decides what happens next.
 *
 * @module
 */
import { onShutdownSignal, type ShutdownSignal } from "../runtime/signals.ts";

/** How a served MCP server shuts down. */
export interface ShutdownOptions {
  /**
   * Close gracefully on `SIGINT` and `SIGTERM`. While listening, the signals no
   * longer end the process; after the first one, a second ends it at once.
   * Default true.
   */
  signals?: boolean;
  /** How long calls in flight may go on before their signals are aborted, ms. Default 10 000. */
  timeoutMs?: number;
  /** Told which signal started the shutdown (e.g. to log it). */
  onSignal?: (signal: ShutdownSignal) => void;
}

/** The default time calls in flight get to finish, ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** What the serve functions resolve `shutdown` to. */
export interface ResolvedShutdown {
  /** Whether the shutdown signals are listened for. */
  signals: boolean;
  /** How long calls in flight get, ms. */
  timeoutMs: number;
  /** Told which signal started the shutdown. */
  onSignal?: (signal: ShutdownSignal) => void;
}

/** Resolves the `shutdown` option: `true` or an object turns it on, absent or `false` off. */
export function resolveShutdown(option: boolean | ShutdownOptions | undefined): ResolvedShutdown {
  if (!option) return { signals: false, timeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS };
  const given = option === true ? {} : option;
  return {
    signals: given.signals ?? true,
    timeoutMs: given.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    onSignal: given.onSignal,
  };
}

/**
 * Runs `close` on the first shutdown signal when `settings.signals`; returns
 * the function that stops listening (call it once closed, so that nothing is
 * left registered).
 */
export function closeOnSignal(settings: ResolvedShutdown, close: () => unknown): () => void {
  if (!settings.signals) return () => {};
  const stop = onShutdownSignal((signal) => {
    // The first signal starts the shutdown; a second one falls back to the default (exit).
    stop();
    settings.onSignal?.(signal);
    close();
  });
  return stop;
}
