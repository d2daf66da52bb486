/**
 * Requests whose body cannot be longer than their `Content-Length`: the server's own HTTP parser
 * framed it (the Node bridge's requests). A reader with a size limit may then read such a body
 * whole once its declared length is within the limit, instead of counting it chunk by chunk; a
 * hand-made `Request` may declare any length and is read as a stream.
 *
 * @module
 */

/** The mark, a prototype property set by the runtime adapters only. */
export const FRAMED_BODY: unique symbol = Symbol("emcee.framedBody");

/**
 * Whether `request` carries the {@linkcode FRAMED_BODY} mark.
 *
 * @example
 * ```ts
 * import { isFramedBody } from "./framed_body.ts";
 * isFramedBody(new Request("http://127.0.0.1/", { method: "POST", body: "{}" })); // false
 * ```
 */
export function isFramedBody(request: Request): boolean {
  return (request as { [FRAMED_BODY]?: boolean })[FRAMED_BODY] === true;
}
