/**
 * The MCP WebSocket transport from a real browser: a page in Debian's Chromium, driven by
 * playwright-core, runs the emcee client bundled for the browser and connects from its own
 * JavaScript to an emcee server on another port. Covers both eras, the bearer token as
 * `mcp.auth.<token>` (a browser's WebSocket takes no headers), and the Origin check.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type * as Emcee from "../../client/mod.ts";
import type { AuthInfo } from "../../protocol/mod.ts";
import { type HttpServerHandle, runtimeName, serveHttp } from "../../runtime/mod.ts";
import {
  createWebSocketHandler,
  type WebSocketHandlerOptions,
} from "../../transports/websocket/server.ts";
import { within } from "../async.ts";
import { launchChromium } from "../chromium.ts";
import { buildServer } from "../client/fixtures/emcee_server.ts";
import { bundleClient, type PageServer, servePage } from "./page_server.ts";

/** One upgrade as the server saw it. */
interface Seen {
  origin: string | null;
  subprotocols: string | null;
  status: number;
}

interface Endpoint {
  url: string;
  http: HttpServerHandle;
  seen: Seen[];
}

/** What the page reports after trying to connect and call `echo`. */
interface Outcome {
  era?: string;
  content?: unknown;
  error?: string;
}

async function startEndpoint(options: WebSocketHandlerOptions = {}): Promise<Endpoint> {
  const handler = createWebSocketHandler(buildServer(), { keepAliveMs: 0, ...options });
  const seen: Seen[] = [];
  const http = await serveHttp(async (request) => {
    const response = await handler(request);
    seen.push({
      origin: request.headers.get("origin"),
      subprotocols: request.headers.get("sec-websocket-protocol"),
      status: response.status,
    });
    return response;
  }, { port: 0, hostname: "127.0.0.1" });
  return { url: `${http.url.replace("http:", "ws:")}/mcp`, http, seen };
}

/** Connects from the page's own JavaScript, calls `echo`, closes, and reports what happened. */
function connectFromPage(
  page: Page,
  args: { url: string; era: "modern" | "legacy"; token?: string },
): Promise<Outcome> {
  const run = page.evaluate(async ({ url, era, token }): Promise<Outcome> => {
    const emcee = (globalThis as unknown as { emcee: typeof Emcee }).emcee;
    try {
      const client = await emcee.connectClient(url, { name: "browser", version: "1.0.0" }, {
        era,
        eraCache: false,
        headers: token === undefined ? undefined : { authorization: `Bearer ${token}` },
      });
      try {
        const content = await client.callToolContent("echo", { text: `hi from ${era}` });
        return { era: client.era, content };
      } finally {
        await client.close();
      }
    } catch (error) {
      return { error: String(error) };
    }
  }, args);
  return within(run, 10_000, `the page connecting to ${args.url}`);
}

describe(`MCP over WebSocket from Chromium (driven by playwright-core on ${runtimeName()})`, () => {
  let browser: Browser | undefined;
  let pages: PageServer | undefined;

  before(async () => {
    const [bundle, launched] = await Promise.all([bundleClient(), launchChromium()]);
    browser = launched;
    pages = await servePage(bundle);
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await pages?.close();
    }
  });

  async function withPage<T>(body: (page: Page) => Promise<T>): Promise<T> {
    const page = await browser!.newPage();
    try {
      await page.goto(pages!.url, { timeout: 10_000 });
      await page.waitForFunction(() => "emcee" in globalThis, undefined, { timeout: 10_000 });
      return await body(page);
    } finally {
      await page.close();
    }
  }

  for (const era of ["modern", "legacy"] as const) {
    test(`the page connects in the ${era} era and calls a tool`, async () => {
      const endpoint = await startEndpoint();
      try {
        const outcome = await withPage((page) => connectFromPage(page, { url: endpoint.url, era }));
        assert.deepEqual(outcome, {
          era,
          content: [{ type: "text", text: `hi from ${era}` }],
        });
        assert.equal(endpoint.seen[0].origin, pages!.origin, "the upgrade came from the page");
        assert.match(endpoint.seen[0].subprotocols ?? "", /\bmcp\b/);
      } finally {
        await endpoint.http.close();
      }
    });
  }

  test("a bearer token travels as mcp.auth.<token> to a server that requires one", async () => {
    const tokens: (string | null)[] = [];
    const endpoint = await startEndpoint({
      authenticate: (request): AuthInfo | Response => {
        const authorization = request.headers.get("authorization");
        tokens.push(authorization);
        return authorization === "Bearer sesame"
          ? { token: "sesame", clientId: "browser", scopes: [] }
          : new Response("no", {
            status: 401,
            headers: { "www-authenticate": 'Bearer realm="test"' },
          });
      },
    });
    try {
      await withPage(async (page) => {
        const refused = await connectFromPage(page, { url: endpoint.url, era: "modern" });
        assert.ok(refused.error, `no token must be refused, got ${JSON.stringify(refused)}`);
        assert.equal(endpoint.seen[0].status, 401);

        const admitted = await connectFromPage(page, {
          url: endpoint.url,
          era: "modern",
          token: "sesame",
        });
        assert.deepEqual(admitted.content, [{ type: "text", text: "hi from modern" }]);
      });
      const upgrade = endpoint.seen.at(-1)!;
      assert.ok(
        upgrade.subprotocols?.split(/\s*,\s*/).includes("mcp.auth.sesame"),
        `the token came as a subprotocol: ${upgrade.subprotocols}`,
      );
      assert.deepEqual(tokens, [null, "Bearer sesame"]);
    } finally {
      await endpoint.http.close();
    }
  });

  test("the Origin check admits a page from an allowed origin", async () => {
    const endpoint = await startEndpoint({
      localhostOnly: false,
      allowedOrigins: [pages!.origin],
    });
    try {
      const outcome = await withPage((page) =>
        connectFromPage(page, { url: endpoint.url, era: "modern" })
      );
      assert.deepEqual(outcome.content, [{ type: "text", text: "hi from modern" }]);
      assert.equal(endpoint.seen[0].origin, pages!.origin);
    } finally {
      await endpoint.http.close();
    }
  });

  test("the Origin check refuses a page from an origin it does not allow", async () => {
    // Another loopback port: loopback origins pass by default, so only the list decides.
    const endpoint = await startEndpoint({
      localhostOnly: false,
      allowedOrigins: [`http://127.0.0.1:${pages!.port === 1 ? 2 : 1}`],
    });
    try {
      const outcome = await withPage((page) =>
        connectFromPage(page, { url: endpoint.url, era: "modern" })
      );
      assert.ok(outcome.error, `the page must be refused, got ${JSON.stringify(outcome)}`);
      assert.equal(outcome.content, undefined);
      assert.deepEqual(endpoint.seen.map(({ origin, status }) => ({ origin, status })), [
        { origin: pages!.origin, status: 403 },
      ]);
    } finally {
      await endpoint.http.close();
    }
  });
});
