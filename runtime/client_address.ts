/**
 * The network address a request came from, which a web `Request` does not carry: `serveHttp`
 * records the peer address of each request it hands to a handler, on every runtime, and
 * handlers read it with {@link clientAddressOf}. Nothing a client sends can set it.
 *
 * @module
 */

const addresses = new WeakMap<Request, string>();

/**
 * A request that knows its own peer (the Node bridge's lazy request) answers through this
 * method instead of an entry per request in the map. Module-private to runtime/.
 */
export const PEER_ADDRESS: unique symbol = Symbol("emcee.peerAddress");

/** Records the peer address of `request` (runtime adapters do this); `undefined` is ignored. */
export function setClientAddress(request: Request, address: string | undefined): void {
  if (address !== undefined && address !== "") addresses.set(request, address);
}

/**
 * The peer address `serveHttp` recorded for `request` (e.g. `127.0.0.1` or `::1`), or
 * `undefined` for a request it did not accept itself (another server, a test, a proxy's copy).
 *
 * @example
 * ```ts
 * import { clientAddressOf } from "./client_address.ts";
 * clientAddressOf(new Request("http://127.0.0.1/")); // undefined: not from serveHttp
 * ```
 */
export function clientAddressOf(request: Request): string | undefined {
  return addresses.get(request) ??
    (request as { [PEER_ADDRESS]?: () => string | undefined })[PEER_ADDRESS]?.();
}
