/**
 * Client ID metadata documents: fetched only from public hosts (SSRF: no
 * loopback, private, link-local or local names unless allowed), with size
 * and time limits and no redirects; the document must name itself. And the
 * address classification underneath.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  hostRefusal,
  isNonPublicAddress,
} from "../../../auth/authorization_server/address_policy.ts";
import {
  ClientMetadataDocumentError,
  clientMetadataDocumentLoader,
} from "../../../auth/authorization_server/client_metadata_document.ts";
import { type HttpServerHandle, serveHttp } from "../../../runtime/mod.ts";
import {
  authorizeParams,
  authorizeUrl,
  exchangeCode,
  pkce,
  testClock,
  testServer,
} from "./helpers.ts";

const DOC_URL = "https://app.example.com/oauth/client.json";
const REDIRECT = "http://127.0.0.1:7200/callback";

function documentFetch(
  body: unknown,
  init: ResponseInit = { headers: { "content-type": "application/json" } },
): { fetch: (url: string, init: RequestInit) => Promise<Response>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (url: string) => {
      calls.push(url);
      return Promise.resolve(
        new Response(typeof body === "string" ? body : JSON.stringify(body), init),
      );
    },
  };
}

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ClientMetadataDocumentError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

describe("address policy", () => {
  test("non-public addresses", () => {
    for (
      const address of [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.5",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "[::1]",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "[::ffff:a00:1]",
        "64:ff9b::a00:1",
        "ff02::1",
      ]
    ) {
      assert.equal(isNonPublicAddress(address), true, address);
    }
  });

  test("public addresses", () => {
    for (
      const address of [
        "93.184.215.14",
        "8.8.8.8",
        "172.32.0.1",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
      ]
    ) {
      assert.equal(isNonPublicAddress(address), false, address);
    }
  });

  test("host names", () => {
    for (
      const url of [
        "https://localhost/c.json",
        "https://LOCALHOST./c.json",
        "https://app.localhost/c.json",
        "https://printer.local/c.json",
        "https://intranet/c.json",
        "https://0x7f000001/c.json", // the URL parser makes this 127.0.0.1
        "https://2130706433/c.json",
        "https://[::ffff:127.0.0.1]/c.json",
      ]
    ) {
      assert.ok(hostRefusal(new URL(url)), url);
    }
    assert.equal(hostRefusal(new URL("https://app.example.com/c.json")), undefined);
    assert.match(
      hostRefusal(new URL("https://rebind.example.com/c.json"), ["10.1.1.1"]) ?? "",
      /resolves to 10.1.1.1/,
    );
  });
});

describe("clientMetadataDocumentLoader", () => {
  const document = { client_id: DOC_URL, client_name: "App", redirect_uris: [REDIRECT] };

  test("a metadata-document URL at 127.0.0.1 or a private address is refused before any fetch", async () => {
    const { fetch, calls } = documentFetch(document);
    const load = clientMetadataDocumentLoader({ fetch });
    await refused(load("https://127.0.0.1/client.json"), /not a public address/);
    await refused(load("https://10.0.0.8/client.json"), /not a public address/);
    await refused(load("https://192.168.0.10/client.json"), /not a public address/);
    await refused(load("https://169.254.169.254/latest/meta-data"), /not a public address/);
    await refused(load("https://[::1]/client.json"), /not a public address/);
    await refused(load("https://localhost/client.json"), /local host/);
    assert.deepEqual(calls, []);
  });

  test("a name resolving to a private address is refused when a resolver is given", async () => {
    const { fetch, calls } = documentFetch(document);
    const load = clientMetadataDocumentLoader({
      fetch,
      resolveHost: (host) => Promise.resolve(host === "app.example.com" ? ["192.168.5.5"] : []),
    });
    await refused(load(DOC_URL), /resolves to 192.168.5.5/);
    assert.deepEqual(calls, []);
  });

  test("URL rules: https, a path, canonical, no fragment or credentials", async () => {
    const load = clientMetadataDocumentLoader(documentFetch(document));
    await refused(load("http://app.example.com/client.json"), /https/);
    await refused(load("https://app.example.com/"), /path/);
    await refused(load("https://APP.example.com/client.json"), /canonical/);
    await refused(load("https://app.example.com/a/../client.json"), /canonical/);
    await refused(load("https://user:pw@app.example.com/client.json"), /credentials/);
  });

  test("a good document is loaded once and cached", async () => {
    const clock = testClock();
    const { fetch, calls } = documentFetch(document);
    const load = clientMetadataDocumentLoader({ fetch, now: clock.now, cacheSeconds: 60 });
    const client = await load(DOC_URL);
    assert.equal(client.clientName, "App");
    assert.equal(client.tokenEndpointAuthMethod, "none");
    assert.deepEqual(client.redirectUris, [REDIRECT]);
    await load(DOC_URL);
    assert.equal(calls.length, 1);
    clock.advance(60_000);
    await load(DOC_URL);
    assert.equal(calls.length, 2);
  });

  test("bad documents are refused", async () => {
    const cases: [unknown, ResponseInit | undefined, RegExp][] = [
      [{ ...document, client_id: "https://evil.example.com/c.json" }, undefined, /differs/],
      [{ ...document, client_secret: "x" }, undefined, /secret/],
      [
        { ...document, token_endpoint_auth_method: "client_secret_basic" },
        undefined,
        /not supported/,
      ],
      [{ ...document, redirect_uris: [] }, undefined, /redirect_uris/],
      [{ ...document, redirect_uris: ["http://evil.example.com/cb"] }, undefined, /https/],
      [{ ...document, grant_types: ["client_credentials"] }, undefined, /secret/],
      ["not json", undefined, /not JSON/],
      [document, { headers: { "content-type": "text/html" } }, /application\/json/],
      [document, { status: 302, headers: { location: "https://127.0.0.1/" } }, /302/],
      [document, { status: 404 }, /404/],
      [{ ...document, padding: "x".repeat(6000) }, undefined, /exceeds 5120 bytes/],
    ];
    for (const [body, init, pattern] of cases) {
      const load = clientMetadataDocumentLoader(documentFetch(body, init));
      await refused(load(DOC_URL), pattern);
    }
  });

  test("a server that never answers is cut off by the time limit", async () => {
    const load = clientMetadataDocumentLoader({
      timeoutMs: 50,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal!.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
        }),
    });
    await refused(load(DOC_URL), /could not be fetched/);
  });

  test("redirects are not followed", async () => {
    let seen: RequestInit | undefined;
    const load = clientMetadataDocumentLoader({
      fetch: (_url, init) => {
        seen = init;
        return Promise.resolve(Response.json(document));
      },
    });
    await load(DOC_URL);
    assert.equal(seen?.redirect, "manual");
  });
});

describe("metadata-document clients at the authorization server", () => {
  let http: HttpServerHandle;
  let documentUrl: string;

  before(async () => {
    http = await serveHttp((request) =>
      Response.json({
        client_id: request.url,
        client_name: "Local app",
        redirect_uris: [REDIRECT],
        grant_types: ["authorization_code", "refresh_token"],
      }), { port: 0, hostname: "127.0.0.1" });
    documentUrl = `${http.url}/client.json`;
  });

  after(async () => {
    await http.close();
  });

  test("a client_id pointing at 127.0.0.1 is refused by default, with an error page", async () => {
    const as = testServer();
    const { challenge } = await pkce();
    const response = await as.handler(
      new Request(authorizeUrl(authorizeParams(documentUrl, REDIRECT, challenge))),
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("location"), null);
    assert.match(await response.text(), /must use https|not a public address/);
  });

  test("with allowPrivateAddresses (tests only) the local document is fetched and used", async () => {
    const as = testServer(testClock(), {
      clientMetadataDocuments: { allowPrivateAddresses: true },
    });
    const { verifier, challenge } = await pkce();
    const response = await as.handler(
      new Request(authorizeUrl(authorizeParams(documentUrl, REDIRECT, challenge))),
    );
    assert.equal(response.status, 302, await response.clone().text());
    const code = new URL(response.headers.get("location")!).searchParams.get("code")!;
    const tokens = await exchangeCode(as, code, verifier, documentUrl, REDIRECT);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(typeof tokens.body.refresh_token, "string");
  });

  test("documents can be turned off", async () => {
    const as = testServer(testClock(), { clientMetadataDocuments: false });
    assert.equal((await as.metadata()).client_id_metadata_document_supported, false);
  });
});
