/**
 * Liveness: `ping` in the legacy era. 2026-07-28 has no `ping` (servers answer
 * -32601), so there the check is a `server/discover` round trip, which every
 * modern server serves and which changes nothing.
 *
 * @module
 */
import type { CallOptions } from "./options.ts";
import { request } from "./request.ts";
import type { ClientState } from "./state.ts";

/** Resolves once the server answered; rejects as a request would (timeout, closed, error). */
export async function ping(state: ClientState, options: CallOptions): Promise<void> {
  if (state.era === "modern") await request(state, "server/discover", {}, options);
  else await request(state, "ping", undefined, options);
}
