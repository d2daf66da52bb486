/**
 * Responses whose body is whole from the start (a JSON answer, an empty 202). On Deno and Bun
 * this is a plain `Response`. On Node, where a `Response` builds a body stream and a `Headers`
 * that the Node bridge would only read back, it is a stand-in that passes
 * `instanceof Response` and keeps the body and headers as given, so the bridge writes them
 * straight to the socket; any other use makes the real `Response` once and defers to it.
 *
 * @module
 */

/** A whole body: text, bytes or none. */
export type WholeBody = string | Uint8Array<ArrayBuffer> | null;

/** What the Node bridge writes for a whole response. */
export interface WholeParts {
  /** Status code. */
  status: number;
  /** Reason phrase, `""` for the default. */
  statusText: string;
  /** Header names and values, as given or as the headers now stand. */
  headers: Headers | Record<string, string>;
  /** The body. */
  body: WholeBody;
}

const encoder = new TextEncoder();

class WholeResponse {
  #status: number;
  #statusText: string;
  #init: Record<string, string> | undefined;
  #headers: Headers | undefined;
  #body: WholeBody;
  #real: Response | undefined;
  #used = false;

  constructor(body: WholeBody, init: WholeResponseInit) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Invalid response status code ${status}`);
    }
    if (body !== null && NULL_BODY_STATUSES.has(status)) {
      throw new TypeError(`Response with status ${status} cannot have a body`);
    }
    this.#status = status;
    this.#statusText = init.statusText ?? "";
    this.#body = body;
    const headers = init.headers;
    if (headers === undefined) this.#init = {};
    else if (isRecord(headers)) this.#init = headers;
    else this.#headers = new Headers(headers);
    // A text body gets the content type a real Response would give it.
    if (typeof body === "string" && !hasContentType(this.#init, this.#headers)) {
      this.#headers ??= new Headers(this.#init);
      this.#headers.set("content-type", "text/plain;charset=UTF-8");
      this.#init = undefined;
    }
  }
  get status(): number {
    return this.#real ? this.#real.status : this.#status;
  }
  get statusText(): string {
    return this.#real ? this.#real.statusText : this.#statusText;
  }
  get ok(): boolean {
    return this.#status >= 200 && this.#status < 300;
  }
  get headers(): Headers {
    if (this.#real) return this.#real.headers;
    return (this.#headers ??= new Headers(this.#init));
  }
  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }
  async text(): Promise<string> {
    if (this.#real) return await this.#real.text();
    const body = this.#take();
    return typeof body === "string" ? body : body === null ? "" : utf8.decode(body);
  }
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#real) return await this.#real.bytes();
    const body = this.#take();
    return typeof body === "string"
      ? encoder.encode(body)
      : body === null
      ? new Uint8Array(0)
      : body.slice();
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  #take(): WholeBody {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#body;
  }
  /** The parts to write, or `undefined` once the body was read or handed to a real Response. */
  parts(): WholeParts | undefined {
    if (this.#real || this.#used) return undefined;
    return {
      status: this.#status,
      statusText: this.#statusText,
      headers: this.#headers ?? this.#init ?? {},
      body: this.#body,
    };
  }
  /** The real `Response`, made on first need (`body`, `clone`, `type`...). */
  real(): Response {
    if (this.#real) return this.#real;
    this.#real = new Response(this.#body, {
      status: this.#status,
      statusText: this.#statusText,
      headers: this.#headers ?? this.#init,
    });
    // A body already read here stays read on the real one.
    if (this.#used) this.#real.text().catch(() => {});
    return this.#real;
  }
}

const utf8 = new TextDecoder();
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function hasContentType(init: Record<string, string> | undefined, headers?: Headers): boolean {
  if (headers) return headers.has("content-type");
  if (init === undefined) return false;
  if ("content-type" in init) return true;
  for (const name in init) if (name.toLowerCase() === "content-type") return true;
  return false;
}

function isRecord(headers: HeadersInit): headers is Record<string, string> {
  return !Array.isArray(headers) && !(headers instanceof Headers) &&
    Object.getPrototypeOf(headers) === Object.prototype;
}

// Linked on first use: touching `Response` on Node loads its fetch implementation (undici), tens
// of milliseconds of cold start that a server never answering over HTTP need not pay.
let linked = false;
function linkToResponse(): void {
  linked = true;
  for (const key of Reflect.ownKeys(Response.prototype)) {
    if (
      key === "constructor" || Object.prototype.hasOwnProperty.call(WholeResponse.prototype, key)
    ) {
      continue;
    }
    const descriptor = Reflect.getOwnPropertyDescriptor(Response.prototype, key);
    if (descriptor?.get) {
      Object.defineProperty(WholeResponse.prototype, key, {
        configurable: true,
        get(this: WholeResponse): unknown {
          return (this.real() as unknown as Record<string | symbol, unknown>)[key];
        },
      });
    } else if (typeof descriptor?.value === "function") {
      Object.defineProperty(WholeResponse.prototype, key, {
        configurable: true,
        writable: true,
        value(this: WholeResponse, ...rest: unknown[]): unknown {
          const real = this.real() as unknown as Record<
            string | symbol,
            (...a: unknown[]) => unknown
          >;
          return real[key].apply(real, rest);
        },
      });
    }
  }
  Object.setPrototypeOf(WholeResponse.prototype, Response.prototype);
}

/** The init of {@linkcode wholeResponse}. */
export interface WholeResponseInit {
  /** Status code, 200 by default. */
  status?: number;
  /** Reason phrase. */
  statusText?: string;
  /** Headers; a plain record is kept as given. */
  headers?: HeadersInit;
}

/**
 * Only on Node: Deno, Bun and edge runtimes (workerd) serve only real Responses. Node 21+ names
 * itself in `navigator.userAgent`; older Node has no `navigator` but a `process.release` (which
 * Deno and Bun imitate, hence their exclusion).
 */
function isNode(): boolean {
  const scope = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    navigator?: { userAgent?: string };
    process?: { release?: { name?: string } };
  };
  if (scope.Deno !== undefined || scope.Bun !== undefined) return false;
  const agent = scope.navigator?.userAgent;
  if (agent !== undefined) return agent.startsWith("Node.js/");
  return scope.process?.release?.name === "node";
}

const standIn = isNode();

/**
 * A response with a whole body. Use it for answers made in full (JSON, empty statuses); a
 * streaming body needs `new Response(stream)`.
 *
 * @example
 * ```ts
 * import { wholeResponse } from "./whole_response.ts";
 * const response = wholeResponse('{"ok":true}', {
 *   status: 200,
 *   headers: { "content-type": "application/json" },
 * });
 * await response.json(); // { ok: true }
 * ```
 */
export function wholeResponse(body: WholeBody, init: WholeResponseInit = {}): Response {
  if (!standIn) return new Response(body, init);
  if (!linked) linkToResponse();
  return new WholeResponse(body, init) as unknown as Response;
}

/**
 * The status, headers and body of a {@linkcode wholeResponse} stand-in not yet read, for a
 * bridge to write directly; `undefined` for any other response.
 */
export function wholeParts(response: Response): WholeParts | undefined {
  return response instanceof WholeResponse ? response.parts() : undefined;
}
