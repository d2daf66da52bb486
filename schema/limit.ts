// The error used internally to unwind evaluation when a limit is hit.

/** Thrown during evaluation when a {@link ValidationLimits} bound is exceeded; reported as an error. */
export class LimitExceeded extends Error {
  /** Creates the error with a message naming the limit. */
  constructor(message: string) {
    super(message);
    this.name = "LimitExceeded";
  }
}
