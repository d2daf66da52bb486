// The `add` tool every server under bench/perf exposes. Each SDK's servers are in their own file
// (emcee_fixtures.ts, official_fixtures.ts) so that a child importing one never loads the other:
// its cold start and memory are its own. The raw servers (raw_http.ts, raw_stdio.ts) answer the
// same requests without an SDK.

/** How an HTTP bench server is driven: stateless 2026-07-28, or a 2025-11-25 session. */
export type HttpMode = "stateless" | "session-json" | "session-sse";

/** The `add` tool's input schema, as raw JSON Schema. */
export const ADD_SCHEMA: { [key: string]: unknown } = {
  type: "object",
  properties: { a: { type: "number" }, b: { type: "number" } },
  required: ["a", "b"],
  additionalProperties: false,
};
