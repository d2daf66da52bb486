/**
 * A child's output read line by line to its end (so the child never blocks on a full pipe),
 * with a bounded wait for the first line matching a pattern.
 */
import { deferred, within } from "./async.ts";

/** The lines read so far, and waits on them. */
export interface ChildLines {
  /** Every line read so far, without newlines. */
  readonly lines: readonly string[];
  /**
   * The first line (already read or still to come) matching `pattern`; rejects, naming `what`
   * and the lines so far, if none has come within `ms` or the output ended first.
   */
  match(pattern: RegExp, what: string, ms?: number): Promise<RegExpExecArray>;
  /** Resolves when the output has ended. */
  readonly ended: Promise<void>;
}

/** Starts reading `stream` (a child's stdout or stderr) as lines. */
export function childLines(stream: ReadableStream<Uint8Array>): ChildLines {
  const lines: string[] = [];
  const waiters = new Set<(line: string | undefined) => void>();
  const ended = (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    try {
      for await (const chunk of stream) {
        pending += decoder.decode(chunk, { stream: true });
        let newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          lines.push(line);
          for (const waiter of [...waiters]) waiter(line);
        }
      }
    } catch {
      // The stream errors when the child is killed; what was read stays.
    }
    for (const waiter of [...waiters]) waiter(undefined);
  })();
  let finished = false;
  ended.then(() => (finished = true));
  return {
    lines,
    ended,
    match(pattern, what, ms = 30_000) {
      for (const line of lines) {
        const found = pattern.exec(line);
        if (found) return Promise.resolve(found);
      }
      const wait = deferred<RegExpExecArray>();
      const describe = () => `${what}; output so far:\n${lines.join("\n")}`;
      if (finished) return Promise.reject(new Error(`output ended before ${describe()}`));
      const waiter = (line: string | undefined) => {
        if (line === undefined) {
          waiters.delete(waiter);
          wait.reject(new Error(`output ended before ${describe()}`));
          return;
        }
        const found = pattern.exec(line);
        if (found) {
          waiters.delete(waiter);
          wait.resolve(found);
        }
      };
      waiters.add(waiter);
      return within(wait.promise, ms, describe()).finally(() => waiters.delete(waiter));
    },
  };
}
