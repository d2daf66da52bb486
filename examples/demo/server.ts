/**
 * The emcee demo server: a few real tools, resources and prompts, served over
 * Streamable HTTP and WebSocket on http://127.0.0.1:$PORT/mcp (ws:// for
 * WebSocket; default port 8787; `PORT=0` picks a free one, printed on stderr),
 * or over stdio with `--stdio`. Both protocol eras are served.
 *
 * Over HTTP and WebSocket, two environment variables tighten who may call:
 * - `EMCEE_ALLOWED_ORIGINS=https://a.example,http://127.0.0.1:5173`: only these
 *   browser origins (Origin check and CORS alike), instead of any loopback one;
 *   the Host header must still be loopback.
 * - `DEMO_TOKEN=secret`: requests must carry `Authorization: Bearer secret` (a
 *   browser's WebSocket sends it as the `mcp.auth.secret` subprotocol).
 *
 * `REDIS_URL=redis://127.0.0.1:6379` shares legacy sessions, their events and the
 * MRTR signing key with the other demo instances on that Redis (`redisStore`).
 *
 * ```sh
 * deno run -A examples/demo/server.ts
 * bun run examples/demo/server.ts
 * node examples/demo/server.ts            # Node >= 22.18 (type stripping)
 * node examples/demo/server.ts --stdio
 * deno run -A examples/demo/server.ts --cors   # or EMCEE_CORS=1: a browser page may call it
 * ```
 *
 * @module
 */
import { McpServer } from "../../server/server.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { args, getEnv, serveHttp } from "../../runtime/mod.ts";
import { serveStdio } from "../../transports/stdio/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import type { OriginPolicy } from "../../transports/http/origin_guard.ts";
import type { Authenticate } from "../../transports/http/admission.ts";
import { createWebSocketHandler } from "../../transports/websocket/server.ts";
import type { SharedStore } from "../../server/shared_store.ts";

/** The Redis store at `REDIS_URL`, loaded only when it is set; else `undefined` (memory). */
async function storeFromEnv(): Promise<SharedStore | undefined> {
  const url = getEnv("REDIS_URL");
  if (!url) return undefined;
  const { redisStore } = await import("../../store/redis_store.ts");
  return await redisStore({ url });
}

const NOTES: { [id: string]: { title: string; body: string } } = {
  "1": { title: "Welcome", body: "emcee serves MCP from one web-standard handler." },
  "2": { title: "Eras", body: "2026-07-28 is stateless; 2025-11-25 and older use sessions." },
  "3": { title: "Runtimes", body: "The same file runs on Deno, Bun and Node." },
};

/** Builds the demo server; with `store` (e.g. `redisStore`), it shares state with its peers. */
export function createDemoServer(store?: SharedStore): McpServer {
  const server = new McpServer(
    { name: "emcee-demo", title: "emcee demo", version: "0.1.0" },
    {
      store,
      instructions: "A demo server: arithmetic, text statistics, dice, notes and prompts.",
      cache: { ttlMs: 60_000, cacheScope: "public" },
    },
  );

  server.tool({
    name: "add",
    title: "Add numbers",
    description: "Adds a list of numbers and returns the sum.",
    input: {
      type: "object",
      properties: { numbers: { type: "array", items: { type: "number" }, minItems: 1 } },
      required: ["numbers"],
    },
    output: { type: "object", properties: { sum: { type: "number" } }, required: ["sum"] },
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: ({ numbers }: { numbers: number[] }) => {
      const sum = numbers.reduce((total, n) => total + n, 0);
      return { content: [{ type: "text", text: String(sum) }], structuredContent: { sum } };
    },
  });

  server.tool({
    name: "text_stats",
    title: "Text statistics",
    description: "Counts characters, words and lines of a text.",
    input: {
      type: "object",
      properties: { text: { type: "string", description: "The text to measure" } },
      required: ["text"],
    },
    output: {
      type: "object",
      properties: {
        characters: { type: "integer" },
        words: { type: "integer" },
        lines: { type: "integer" },
      },
      required: ["characters", "words", "lines"],
    },
    annotations: { readOnlyHint: true },
    handler: ({ text }: { text: string }) => {
      const stats = {
        characters: [...text].length,
        words: text.split(/\s+/).filter(Boolean).length,
        lines: text === "" ? 0 : text.split("\n").length,
      };
      return { content: [], structuredContent: stats };
    },
  });

  server.tool({
    name: "roll_dice",
    title: "Roll dice",
    description: "Rolls dice, reporting progress for each die.",
    input: {
      type: "object",
      properties: {
        count: { type: "integer", minimum: 1, maximum: 20, default: 2 },
        sides: { type: "integer", minimum: 2, maximum: 100, default: 6 },
      },
    },
    handler: async ({ count = 2, sides = 6 }: { count?: number; sides?: number }, context) => {
      const rolls: number[] = [];
      for (let i = 0; i < count; i++) {
        rolls.push(1 + Math.floor(Math.random() * sides));
        context.progress(i + 1, count, `rolled ${i + 1} of ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return `Rolled ${rolls.join(", ")} (total ${rolls.reduce((a, b) => a + b, 0)})`;
    },
  });

  server.tool({
    name: "greet_user",
    title: "Greet the user",
    description: "Asks the user for their name (elicitation), then greets them.",
    input: { type: "object", properties: {} },
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "What should I call you?",
        requestedSchema: {
          type: "object",
          properties: { name: { type: "string", title: "Name" } },
          required: ["name"],
        },
      }, { key: "name" });
      if (answer.action !== "accept") return "Maybe another time.";
      return `Hello, ${String(answer.content?.name)}!`;
    },
  });

  server.resource({
    uri: "demo://about",
    name: "about",
    title: "About this server",
    mimeType: "text/markdown",
    read: (uri) => [{
      uri,
      mimeType: "text/markdown",
      text: "# emcee demo\n\nServed by emcee, a zero-dependency MCP SDK.",
    }],
  });

  server.resourceTemplate({
    uriTemplate: "demo://notes/{id}",
    name: "note",
    title: "Note",
    description: "A short note by id",
    mimeType: "text/plain",
    list: () =>
      Object.entries(NOTES).map(([id, note]) => ({
        uri: `demo://notes/${id}`,
        name: `note-${id}`,
        title: note.title,
        mimeType: "text/plain",
      })),
    complete: { id: (value) => Object.keys(NOTES).filter((id) => id.startsWith(value)) },
    read: (uri, { id }, context) => {
      // Own keys only: `__proto__` or `constructor` are not notes.
      const note = typeof id === "string" && Object.hasOwn(NOTES, id) ? NOTES[id] : undefined;
      if (!note) {
        // The spec's "resource not found": -32002 before 2026-07-28, -32602 since.
        const code = context.era === "legacy"
          ? ErrorCode.ResourceNotFoundLegacy
          : ErrorCode.InvalidParams;
        throw new McpError(code, `Resource not found: ${uri}`, { uri });
      }
      return [{ uri, mimeType: "text/plain", text: `${note.title}\n\n${note.body}` }];
    },
  });

  server.prompt({
    name: "code_review",
    title: "Code review",
    description: "Asks the model to review a piece of code.",
    arguments: [
      { name: "language", description: "Programming language", required: true },
      { name: "code", description: "The code to review", required: true },
    ],
    complete: {
      language: (value) =>
        ["go", "python", "rust", "typescript"].filter((name) => name.startsWith(value)),
    },
    get: ({ language, code }) => ({
      description: `Review of ${language} code`,
      messages: [{
        role: "user",
        content: {
          type: "text",
          text: `Review this ${language} code for bugs and clarity:\n\n${code}`,
        },
      }],
    }),
  });

  return server;
}

if (import.meta.main) {
  const server = createDemoServer(await storeFromEnv());
  if (args().includes("--stdio")) {
    await serveStdio(server);
  } else {
    const port = Number(getEnv("PORT") ?? "8787");
    // CORS only on request: without it a browser page on another origin cannot read the answers.
    const cors = args().includes("--cors") || getEnv("EMCEE_CORS") === "1";
    const origins = getEnv("EMCEE_ALLOWED_ORIGINS")?.split(",").map((o) => o.trim()).filter(
      Boolean,
    );
    // With a list, loopback origins no longer pass by themselves; loopback Hosts still must.
    const policy: OriginPolicy = origins?.length
      ? {
        allowedOrigins: origins,
        localhostOnly: false,
        allowedHosts: ["127.0.0.1", "localhost", "[::1]"],
      }
      : {};
    const token = getEnv("DEMO_TOKEN") || undefined;
    const authenticate: Authenticate | undefined = token === undefined
      ? undefined
      : (request) =>
        request.headers.get("authorization") === `Bearer ${token}`
          ? { token, clientId: "demo", scopes: [] }
          : new Response("a bearer token is required", {
            status: 401,
            headers: { "www-authenticate": 'Bearer realm="emcee-demo"' },
          });
    const handler = createWebSocketHandler(server, {
      ...policy,
      authenticate,
      fallback: createHttpHandler(server, { ...policy, authenticate, cors }),
    });
    const http = await serveHttp(
      (request) =>
        new URL(request.url).pathname === "/mcp"
          ? handler(request)
          : new Response("emcee demo: the MCP endpoint is /mcp\n", { status: 404 }),
      { port, hostname: "127.0.0.1" },
    );
    console.error(`emcee demo server listening on ${http.url}/mcp`);
  }
}
