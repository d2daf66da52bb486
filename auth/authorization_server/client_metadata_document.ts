/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document,
 * used by MCP): a `client_id` that is an https URL names a JSON document
 * describing the client. It is fetched with a time and size bound, never
 * from a loopback, private or link-local host, without following redirects,
 * and cached briefly.
 *
 * @module
 */
import { hostRefusal } from "./address_policy.ts";
import { checkedGrantTypes, redirectUriProblem } from "./clients.ts";
import type { ClientRecord } from "./store.ts";
import { readTextAtMost } from "../../protocol/bounded_read.ts";

/** Options of {@link clientMetadataDocumentLoader}. */
export interface ClientMetadataDocumentOptions {
  /** The fetch to use. Default the global `fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Time allowed for the whole fetch, ms. Default 5000. */
  timeoutMs?: number;
  /** Largest document accepted, bytes. Default 5120. */
  maxBytes?: number;
  /** How long a fetched document is reused, seconds. Default 300. */
  cacheSeconds?: number;
  /** Documents kept in the cache at most. Default 1000. */
  maxCached?: number;
  /**
   * Allow loopback, private and local-network hosts, and plain http to them.
   * For tests and local development only. Default false.
   */
  allowPrivateAddresses?: boolean;
  /**
   * Resolves a host name to its addresses before the fetch, so names that
   * point at private addresses are refused too (without it only literal
   * addresses and local names are). The fetch resolves again, so a name that
   * changes its answers in between is not caught.
   */
  resolveHost?: (hostname: string) => Promise<readonly string[]>;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** A metadata document that cannot be used; the message says why. */
export class ClientMetadataDocumentError extends Error {
  /** `message` says what is wrong with the document or its URL. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ClientMetadataDocumentError";
  }
}

/** Loads the client a metadata-document URL describes; rejects with {@link ClientMetadataDocumentError}. */
export type ClientMetadataDocumentLoader = (clientId: string) => Promise<ClientRecord>;

function fail(message: string, cause?: unknown): never {
  throw new ClientMetadataDocumentError(message, cause === undefined ? undefined : { cause });
}

/** The URL of a metadata document, checked: https, a path, canonical, no fragment or credentials. */
function documentUrl(clientId: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch (error) {
    return fail("The client_id is not a URL", error);
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    fail("A client_id URL must use https");
  }
  if (url.href !== clientId) fail("A client_id URL must be in canonical form");
  if (url.hash !== "" || clientId.includes("#")) fail("A client_id URL has no fragment");
  if (url.username !== "" || url.password !== "") fail("A client_id URL carries no credentials");
  if (url.pathname === "/") fail("A client_id URL must have a path");
  return url;
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const text = await readTextAtMost(response, maxBytes);
  if (text === undefined) fail(`The client metadata document exceeds ${maxBytes} bytes`);
  return text;
}

function optionalString(
  document: { [member: string]: unknown },
  member: string,
): string | undefined {
  const value = document[member];
  if (value === undefined) return undefined;
  if (typeof value !== "string") fail(`The document's ${member} is not a string`);
  return value;
}

/**
 * The client record of a parsed metadata document fetched from `clientId`.
 * The document must name itself (`client_id` equal to the URL), list valid
 * `redirect_uris`, carry no secret and authenticate with `none` (the only
 * method a document can use here).
 *
 * @example
 * ```ts
 * import { clientFromMetadataDocument } from "./client_metadata_document.ts";
 * const url = "https://app.example.com/oauth/client.json";
 * const client = clientFromMetadataDocument(url, {
 *   client_id: url,
 *   client_name: "App",
 *   redirect_uris: ["http://127.0.0.1:5173/callback"],
 * }, 0);
 * // client.tokenEndpointAuthMethod → "none"
 * ```
 */
export function clientFromMetadataDocument(
  clientId: string,
  document: { [member: string]: unknown },
  issuedAt: number,
): ClientRecord {
  if (document.client_id !== clientId) {
    fail("The document's client_id differs from its URL");
  }
  if ("client_secret" in document || "client_secret_expires_at" in document) {
    fail("A client metadata document carries no client secret");
  }
  const method = document.token_endpoint_auth_method ?? "none";
  if (method !== "none") {
    fail(`The token_endpoint_auth_method ${JSON.stringify(method)} is not supported for documents`);
  }
  const uris = document.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.some((uri) => typeof uri !== "string")) {
    fail("The document needs redirect_uris, a non-empty array of strings");
  }
  for (const uri of uris as string[]) {
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) fail(problem);
  }
  const responseTypes = document.response_types;
  if (
    responseTypes !== undefined &&
    (!Array.isArray(responseTypes) || responseTypes.some((type) => type !== "code"))
  ) {
    fail('The document\'s response_types may only be ["code"]');
  }
  const grants = document.grant_types;
  if (grants !== undefined && !Array.isArray(grants)) {
    fail("The document's grant_types is not an array");
  }
  let grantTypes;
  try {
    grantTypes = checkedGrantTypes(grants, ["authorization_code"], false);
  } catch (error) {
    return fail((error as Error).message, error);
  }
  const record: ClientRecord = {
    clientId,
    redirectUris: uris as string[],
    grantTypes,
    tokenEndpointAuthMethod: "none",
    issuedAt,
    origin: "metadata-document",
  };
  const name = optionalString(document, "client_name");
  const uri = optionalString(document, "client_uri");
  if (name !== undefined) record.clientName = name;
  if (uri !== undefined) record.clientUri = uri;
  return record;
}

/**
 * A loader of client metadata documents with a small cache; concurrent loads
 * of one URL share one fetch. Failures are not cached.
 *
 * @example
 * ```ts
 * import { clientMetadataDocumentLoader } from "./client_metadata_document.ts";
 * const load = clientMetadataDocumentLoader({ timeoutMs: 3000 });
 * // await load("https://app.example.com/oauth/client.json") → the client record
 * await load("https://127.0.0.1/client.json").catch((error) => error.message);
 * // → "127.0.0.1 is not a public address"
 * ```
 */
export function clientMetadataDocumentLoader(
  options: ClientMetadataDocumentOptions = {},
): ClientMetadataDocumentLoader {
  const fetchDocument = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 5120;
  const cacheMs = (options.cacheSeconds ?? 300) * 1000;
  const maxCached = options.maxCached ?? 1000;
  const allowPrivate = options.allowPrivateAddresses ?? false;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { client: ClientRecord; until: number }>();
  const inflight = new Map<string, Promise<ClientRecord>>();

  async function load(clientId: string): Promise<ClientRecord> {
    const url = documentUrl(clientId, allowPrivate);
    if (!allowPrivate) {
      let resolved: readonly string[] = [];
      if (options.resolveHost !== undefined) {
        try {
          resolved = await options.resolveHost(url.hostname.replace(/^\[|\]$/g, ""));
        } catch (error) {
          fail(`The host ${url.hostname} could not be resolved`, error);
        }
      }
      const refusal = hostRefusal(url, resolved);
      if (refusal !== undefined) fail(refusal);
    }
    let response: Response;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      response = await fetchDocument(url.href, {
        headers: { accept: "application/json" },
        redirect: "manual",
        credentials: "omit",
        signal,
      });
    } catch (error) {
      return fail("The client metadata document could not be fetched", error);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      fail(`The client metadata document answered ${response.status}, not 200`);
    }
    const type = (response.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json" && !type.endsWith("+json")) {
      await response.body?.cancel().catch(() => {});
      fail("The client metadata document is not application/json");
    }
    let text: string;
    try {
      text = await readBounded(response, maxBytes);
    } catch (error) {
      if (error instanceof ClientMetadataDocumentError) throw error;
      return fail("The client metadata document could not be read in time", error);
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      return fail("The client metadata document is not JSON", error);
    }
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
      fail("The client metadata document is not a JSON object");
    }
    return clientFromMetadataDocument(
      clientId,
      document as { [member: string]: unknown },
      Math.floor(now() / 1000),
    );
  }

  function remember(clientId: string, client: ClientRecord): void {
    cache.delete(clientId);
    cache.set(clientId, { client, until: now() + cacheMs });
    // Maps iterate in insertion order: the first key is the oldest.
    while (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
  }

  return (clientId: string): Promise<ClientRecord> => {
    const cached = cache.get(clientId);
    if (cached !== undefined && cached.until > now()) return Promise.resolve(cached.client);
    let pending = inflight.get(clientId);
    if (pending === undefined) {
      pending = load(clientId).then(
        (client) => {
          inflight.delete(clientId);
          remember(clientId, client);
          return client;
        },
        (error) => {
          inflight.delete(clientId);
          throw error;
        },
      );
      inflight.set(clientId, pending);
    }
    return pending;
  };
}
