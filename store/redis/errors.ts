/**
 * The errors the Redis client rejects with: the server's own error replies, a connection that
 * failed or dropped, and a command that took too long.
 *
 * @module
 */

/**
 * An error reply from the server (`-ERR …`, `-WRONGTYPE …`, a RESP3 bulk error). `code` is its
 * first word, the kind Redis documents (`ERR`, `WRONGTYPE`, `NOAUTH`, `WRONGPASS`, …).
 *
 * @example
 * ```ts
 * import { RedisError } from "./errors.ts";
 * const error = new RedisError("WRONGTYPE Operation against a key holding the wrong kind of value");
 * console.log(error.code); // "WRONGTYPE"
 * ```
 */
export class RedisError extends Error {
  /** The first word of the reply, e.g. `"ERR"` or `"WRONGTYPE"`. */
  readonly code: string;
  /** Wraps the text of an error reply. */
  constructor(reply: string, options?: ErrorOptions) {
    super(reply, options);
    this.name = "RedisError";
    this.code = /^[A-Z][A-Z0-9_]*/.exec(reply)?.[0] ?? "ERR";
  }
}

/**
 * The connection could not be made, or dropped while the command was pending (it may or may
 * not have run), or the client is closed. The underlying reason is its `cause`.
 */
export class RedisConnectionError extends Error {
  /** Describes what failed; `cause` says why. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RedisConnectionError";
  }
}

/**
 * A command had no reply within its timeout. The connection it was sent on is then dropped and
 * remade, since a late reply would be taken for the next command's.
 */
export class RedisTimeoutError extends Error {
  /** The command's name, e.g. `"BLPOP"`. */
  readonly command: string;
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;
  /** Describes `command` that had no reply after `timeoutMs`. */
  constructor(command: string, timeoutMs: number) {
    super(`redis ${command} had no reply within ${timeoutMs} ms`);
    this.name = "RedisTimeoutError";
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}
