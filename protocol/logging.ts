/**
 * Log levels a server sends with `notifications/message` and a client sets
 * with `logging/setLevel`.
 *
 * @module
 */

/** Log levels (RFC 5424), lowest first. */
export type LoggingLevel =
  | "debug"
  | "info"
  | "notice"
  | "warning"
  | "error"
  | "critical"
  | "alert"
  | "emergency";

/** Log levels in ascending severity. */
export const LOGGING_LEVELS: readonly LoggingLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];
