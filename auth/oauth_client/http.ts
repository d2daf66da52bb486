/**
 * The little HTTP the OAuth client needs: GETting a JSON metadata document,
 * reading a JSON answer, and the rule that authorization endpoints use HTTPS
 * unless they are on the loopback interface (OAuth 2.1 §1.5, RFC 8252 §8.3).
 *
 * @module
 */
import { OAuthClientError } from "./errors.ts";

/** A JSON object. */
export type JsonRecord = { [member: string]: unknown };

/** Whether `value` is a plain JSON object. */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a host name is the local machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === "[::1]";
}

/** Throws unless `url` is https, or http on the loopback interface. */
export function assertSecureUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new OAuthClientError("invalid_metadata", `The ${what} is not a URL: ${url}`, {
      cause: error,
    });
  }
  if (
    parsed.protocol !== "https:" &&
    !(parsed.protocol === "http:" && isLoopbackHost(parsed.hostname))
  ) {
    throw new OAuthClientError(
      "insecure_endpoint",
      `The ${what} must use https (http only on loopback): ${url}`,
    );
  }
  return parsed;
}

/** The outcome of a metadata GET: the JSON object, or the status when there was none. */
export type JsonFetchResult =
  | { ok: true; status: number; body: JsonRecord }
  | { ok: false; status: number };

/**
 * GETs `url` as JSON. A non-2xx status is `ok: false` (the caller may try the
 * next well-known URL); a 2xx that is not a JSON object is an error.
 */
export async function getJson(
  fetchImpl: typeof fetch,
  url: string,
  what: string,
  signal?: AbortSignal,
): Promise<JsonFetchResult> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { accept: "application/json" }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new OAuthClientError("discovery_failed", `Fetching the ${what} at ${url} failed`, {
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, status: response.status };
  }
  return { ok: true, status: response.status, body: await readJsonObject(response, what) };
}

/** The body of a response as a JSON object, or an `invalid_response`/`invalid_metadata` error. */
export async function readJsonObject(response: Response, what: string): Promise<JsonRecord> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new OAuthClientError("invalid_response", `The ${what} is not JSON`, { cause: error });
  }
  if (!isRecord(body)) {
    throw new OAuthClientError("invalid_response", `The ${what} is not a JSON object`);
  }
  return body;
}

/** The string members of `value` when it is an array, else undefined. */
export function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : undefined;
}

/**
 * POSTs a form to an OAuth endpoint. A network failure becomes an
 * `invalid_response` {@link OAuthClientError} saying `what` failed (the
 * cause kept); an abort is rethrown as is.
 */
export async function postForm(
  fetchImpl: typeof fetch,
  endpoint: string,
  body: URLSearchParams,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  what: string,
): Promise<Response> {
  try {
    return await fetchImpl(endpoint, { method: "POST", headers, body: body.toString(), signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new OAuthClientError("invalid_response", `${what} failed`, { cause: error });
  }
}
