/**
 * How a 2026-07-28 handler's input requests (elicit, sample, roots) wait for
 * the client. Every input asked for in one turn is gathered into one
 * `InputRequiredResult`. A run that is replayed on each retry never sees its
 * unanswered requests settle (it is abandoned); a run that is kept suspended
 * has them settle with the client's answers when the retry resumes it.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { InputRequests } from "../protocol/mod.ts";

/** The modern input channel of one handler run. */
export interface ModernInput {
  /** Resolves with the answers to `requests`, by key, once the client sent them all. */
  ask(requests: InputRequests): Promise<{ [key: string]: JsonObject }>;
  /**
   * Suspended runs: adds the answers of a retry, settles the requests they
   * complete, and asks again (a new turn) for what is still missing.
   */
  supply(answers: { [key: string]: JsonObject }): void;
  /** Suspended runs: rejects every waiting request (the run was aborted). */
  fail(reason: unknown): void;
}

/** Inputs to {@link createModernInput}. */
export interface ModernInputInit {
  /** Answers gathered so far, by key (added to by `supply`). */
  answers: { [key: string]: JsonObject };
  /** Called with every input asked for in a turn, when the turn ends for want of them. */
  onInputRequired(requests: InputRequests): void;
  /** Keep unanswered requests waiting for `supply` (true) or leave them forever (replay). */
  suspendable: boolean;
}

interface Waiter {
  requests: InputRequests;
  resolve(answers: { [key: string]: JsonObject }): void;
  reject(reason: unknown): void;
}

/**
 * Creates the channel.
 *
 * @example
 * ```ts
 * import { createModernInput } from "./modern_input.ts";
 * const input = createModernInput({
 *   answers: {},
 *   suspendable: true,
 *   onInputRequired: (requests) => console.log(Object.keys(requests)),
 * });
 * const answered = input.ask({ name: { method: "roots/list", params: {} } });
 * input.supply({ name: { roots: [] } });
 * console.log(await answered);
 * ```
 */
export function createModernInput(init: ModernInputInit): ModernInput {
  const { answers } = init;
  const waiters = new Set<Waiter>();
  let gathered: InputRequests | undefined;

  function request(missing: InputRequests): void {
    if (!gathered) {
      gathered = {};
      // Gather every input the handler asks for in this turn before answering.
      setTimeout(() => {
        const requests = gathered!;
        gathered = undefined;
        init.onInputRequired(requests);
      }, 0);
    }
    Object.assign(gathered, missing);
  }

  function missingOf(requests: InputRequests): InputRequests | undefined {
    let missing: InputRequests | undefined;
    for (const key of Object.keys(requests)) {
      if (!Object.hasOwn(answers, key)) (missing ??= {})[key] = requests[key];
    }
    return missing;
  }

  function answersTo(requests: InputRequests): { [key: string]: JsonObject } {
    const result: { [key: string]: JsonObject } = {};
    for (const key of Object.keys(requests)) result[key] = answers[key];
    return result;
  }

  return {
    ask(requests) {
      const missing = missingOf(requests);
      if (!missing) return Promise.resolve(answersTo(requests));
      request(missing);
      if (!init.suspendable) return new Promise(() => {});
      return new Promise((resolve, reject) => waiters.add({ requests, resolve, reject }));
    },
    supply(given) {
      Object.assign(answers, given);
      for (const waiter of [...waiters]) {
        const missing = missingOf(waiter.requests);
        if (missing) {
          request(missing);
          continue;
        }
        waiters.delete(waiter);
        waiter.resolve(answersTo(waiter.requests));
      }
    },
    fail(reason) {
      for (const waiter of waiters) waiter.reject(reason);
      waiters.clear();
    },
  };
}
