/**
 * The demo server from a real browser: Debian's Chromium (driven by playwright-core) loads a
 * page from another loopback port running emcee's client bundled for the browser, and calls a
 * demo tool over WebSocket (the token as `mcp.auth.<token>`) and over Streamable HTTP with CORS.
 * The demo runs as a child on the test's runtime with `--cors`, `DEMO_TOKEN` and
 * `EMCEE_ALLOWED_ORIGINS` set to that page's origin only, so a page served from a second port
 * is refused on both transports.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type * as Emcee from "../../client/mod.ts";
import { runtimeName } from "../../runtime/mod.ts";
import { within } from "../async.ts";
import { launchChromium } from "../chromium.ts";
import { bundleClient, type PageServer, servePage } from "./page_server.ts";
import { type Demo, startDemo } from "../examples/demo_process.ts";

const TOKEN = "open-sesame";
// `add`'s text, then its structured result as text (the server adds it for older clients).
const SUM = [{ type: "text", text: "6" }, { type: "text", text: '{"sum":6}' }];

/** What the page reports after trying to connect and call `add`. */
interface Outcome {
  content?: unknown;
  error?: string;
}

/** Connects from the page's own JavaScript, calls `add`, closes, and reports what happened. */
function callAddFromPage(page: Page, args: { url: string; token?: string }): Promise<Outcome> {
  const run = page.evaluate(async ({ url, token }): Promise<Outcome> => {
    const emcee = (globalThis as unknown as { emcee: typeof Emcee }).emcee;
    try {
      const client = await emcee.connectClient(url, { name: "browser", version: "1.0.0" }, {
        eraCache: false,
        headers: token === undefined ? undefined : { authorization: `Bearer ${token}` },
      });
      try {
        return { content: await client.callToolContent("add", { numbers: [1, 2, 3] }) };
      } finally {
        await client.close();
      }
    } catch (error) {
      return { error: String(error) };
    }
  }, args);
  return within(run, 15_000, `the page calling add at ${args.url}`);
}

/** A CORS preflight for a POST, as a browser on `origin` sends it. */
async function preflight(url: string, origin: string): Promise<Response> {
  const response = await fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type, mcp-protocol-version",
    },
  });
  await response.body?.cancel();
  return response;
}

describe(`the demo server from Chromium (driven by playwright-core on ${runtimeName()})`, () => {
  let browser: Browser | undefined;
  let allowed: PageServer | undefined;
  let other: PageServer | undefined;
  let demo: Demo | undefined;

  before(async () => {
    const [bundle, launched] = await Promise.all([bundleClient(), launchChromium()]);
    browser = launched;
    allowed = await servePage(bundle);
    other = await servePage(bundle);
    demo = await startDemo(["--cors"], {
      EMCEE_ALLOWED_ORIGINS: allowed.origin,
      DEMO_TOKEN: TOKEN,
    });
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      try {
        await demo?.stop();
      } finally {
        await Promise.all([allowed?.close(), other?.close()]);
      }
    }
  });

  const wsUrl = () => demo!.url.replace("http:", "ws:");

  /** Opens `pages` in a new tab, waits for the bundle, and collects the console's errors. */
  async function withPage<T>(
    pages: PageServer,
    body: (page: Page, consoleErrors: string[]) => Promise<T>,
  ): Promise<T> {
    const page = await browser!.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    try {
      await page.goto(pages.url, { timeout: 10_000 });
      await page.waitForFunction(() => "emcee" in globalThis, undefined, { timeout: 10_000 });
      return await body(page, consoleErrors);
    } finally {
      await page.close();
    }
  }

  test("the allowed page calls add over WebSocket, its token sent as mcp.auth.<token>", async () => {
    await withPage(allowed!, async (page) => {
      const refused = await callAddFromPage(page, { url: wsUrl() });
      assert.ok(refused.error, `no token must be refused, got ${JSON.stringify(refused)}`);
      const outcome = await callAddFromPage(page, { url: wsUrl(), token: TOKEN });
      assert.deepEqual(outcome, { content: SUM });
    });
  });

  test("the allowed page calls add over Streamable HTTP with CORS", async () => {
    const answer = await preflight(demo!.url, allowed!.origin);
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get("access-control-allow-origin"), allowed!.origin);
    await withPage(allowed!, async (page, consoleErrors) => {
      const outcome = await callAddFromPage(page, { url: demo!.url, token: TOKEN });
      assert.deepEqual(outcome, { content: SUM });
      assert.deepEqual(consoleErrors.filter((text) => /CORS/.test(text)), []);
    });
  });

  test("a page from another origin is refused over WebSocket (403)", async () => {
    await withPage(other!, async (page, consoleErrors) => {
      const outcome = await callAddFromPage(page, { url: wsUrl(), token: TOKEN });
      assert.ok(outcome.error, `the page must be refused, got ${JSON.stringify(outcome)}`);
      assert.equal(outcome.content, undefined);
      assert.ok(
        consoleErrors.some((text) => /WebSocket/.test(text) && /\b403\b/.test(text)),
        `Chromium reports the 403 handshake: ${JSON.stringify(consoleErrors)}`,
      );
    });
  });

  test("a page from another origin is refused over Streamable HTTP (preflight 403)", async () => {
    const answer = await preflight(demo!.url, other!.origin);
    assert.equal(answer.status, 403);
    assert.equal(answer.headers.get("access-control-allow-origin"), null);
    await withPage(other!, async (page, consoleErrors) => {
      const outcome = await callAddFromPage(page, { url: demo!.url, token: TOKEN });
      assert.ok(outcome.error, `the page must be refused, got ${JSON.stringify(outcome)}`);
      assert.match(outcome.error!, /fetch/i);
      assert.ok(
        consoleErrors.some((text) => /CORS policy/.test(text) && /preflight/.test(text)),
        `Chromium reports the refused preflight: ${JSON.stringify(consoleErrors)}`,
      );
    });
  });
});
