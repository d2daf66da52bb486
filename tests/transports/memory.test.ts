/**
 * The in-memory transport pair with `connectServer`: both eras, a legacy
 * server-to-client elicitation answered by hand, and cancellation.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Classified, JsonObject, JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import type { Transport } from "../../protocol/transport.ts";
import { connectServer, type ServerConnection } from "../../transports/connect.ts";
import { McpServer } from "../../server/server.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { deferred, within } from "../interop/fixtures/helpers.ts";

const MODERN_META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "memory-test", version: "1" },
};

interface HandClient {
  send(message: JsonRpcMessage): Promise<void>;
  /** The next message from the server that satisfies `match`. */
  next(match?: (message: JsonObject) => boolean, ms?: number): Promise<JsonObject>;
  /** Everything received so far. */
  received: JsonObject[];
  closed: Promise<void>;
}

/** A hand-written client on one side of the pair. */
function handClient(transport: Transport): HandClient {
  const received: JsonObject[] = [];
  const waiters: { match: (m: JsonObject) => boolean; resolve: (m: JsonObject) => void }[] = [];
  const closed = deferred();
  let consumed = 0;
  transport.start({
    message(incoming: Classified) {
      const message =
        (incoming.kind === "invalid" ? incoming.error : incoming.message) as unknown as JsonObject;
      received.push(message);
      const waiter = waiters.findIndex((w) => w.match(message));
      if (waiter >= 0) waiters.splice(waiter, 1)[0].resolve(message);
    },
    close: () => closed.resolve(),
  });
  return {
    received,
    closed: closed.promise,
    send: (message) => transport.send(message),
    next(match = () => true, ms = 3000) {
      const seen = received.slice(consumed).find(match);
      if (seen) {
        consumed = received.indexOf(seen) + 1;
        return Promise.resolve(seen);
      }
      const found = new Promise<JsonObject>((resolve) =>
        waiters.push({
          match,
          resolve: (m) => {
            consumed = received.indexOf(m) + 1;
            resolve(m);
          },
        })
      );
      return within(found, ms, "a message from the server");
    },
  };
}

/**
 * `server` as the endpoint a transport serves, reporting each request's id
 * once the server has answered it: the report runs before the transport sees
 * the response, so anything the transport sends for it is sent by the time a
 * later message is.
 */
function reportingAnswers(server: McpServer, answered: (id: unknown) => void): ServerEndpoint {
  return {
    handleRequest(request, scope) {
      const response = server.handleRequest(request, scope);
      response.then(() => answered(request.id), () => {});
      return response;
    },
    handleNotification: (notification, scope) => server.handleNotification(notification, scope),
    modernEnvelopeProblem: (request) => server.modernEnvelopeProblem(request),
    toolInputSchema: (name) => server.toolInputSchema(name),
    attachSession: (session) => server.attachSession(session),
  };
}

const byId = (id: unknown) => (message: JsonObject) => message.id === id && !("method" in message);

/** What the `wait` tool reports: that it started, and whether its signal was aborted. */
interface WaitHooks {
  started?: () => void;
  aborted?: (aborted: boolean) => void;
}

function testServer(hooks: WaitHooks = {}): McpServer {
  const server = new McpServer({ name: "memory", version: "1.0.0" });
  server.tool({
    name: "echo",
    input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    handler: ({ text }: { text: string }) => text,
  });
  server.tool({
    name: "ask_name",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Your name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return answer.action === "accept" ? `Hi ${String(answer.content?.name)}` : "declined";
    },
  });
  server.tool({
    name: "wait",
    handler: async (_args, context) => {
      // Runs until cancelled; a test that fails to cancel it ends it by closing the connection.
      const aborted = new Promise<void>((resolve) =>
        context.signal.addEventListener("abort", () => resolve(), { once: true })
      );
      hooks.started?.();
      await aborted;
      hooks.aborted?.(context.signal.aborted);
      return "waited";
    },
  });
  return server;
}

async function initialize(client: HandClient, capabilities: JsonObject = {}): Promise<JsonObject> {
  await client.send({
    jsonrpc: "2.0",
    id: "init",
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities,
      clientInfo: { name: "memory-test", version: "1" },
    },
  });
  const answer = await client.next(byId("init"));
  await client.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  return answer;
}

for (const direct of [false, true]) {
  describe(`memory pair${direct ? " (direct)" : ""} with connectServer`, () => {
    async function connected(
      server: ServerEndpoint = testServer(),
    ): Promise<{ client: HandClient; connection: ServerConnection }> {
      const [clientSide, serverSide] = createMemoryPair({ direct });
      const connection = await connectServer(server, serverSide);
      return { client: handClient(clientSide), connection };
    }

    test("legacy session: initialize, then tools/list and tools/call", async () => {
      const { client, connection } = await connected();
      try {
        const init = await initialize(client);
        assert.equal((init.result as JsonObject).protocolVersion, "2025-11-25");
        assert.equal(connection.session.protocolVersion, "2025-11-25");
        await client.send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
        const tools = ((await client.next(byId(2))).result as JsonObject).tools as JsonObject[];
        assert.deepEqual(tools.map((t) => t.name), ["echo", "ask_name", "wait"]);
        await client.send({
          jsonrpc: "2.0",
          id: 3,
          method: "tools/call",
          params: { name: "echo", arguments: { text: "hi" } },
        });
        assert.deepEqual(((await client.next(byId(3))).result as JsonObject).content, [
          { type: "text", text: "hi" },
        ]);
      } finally {
        await connection.close();
      }
      await within(connection.closed, 1000, "the connection to close");
    });

    test("a modern request on the same kind of channel, without initialize", async () => {
      const { client, connection } = await connected();
      try {
        await client.send({
          jsonrpc: "2.0",
          id: "m",
          method: "tools/call",
          params: { name: "echo", arguments: { text: "modern" }, _meta: MODERN_META },
        });
        const result = (await client.next(byId("m"))).result as JsonObject;
        assert.equal(result.resultType, "complete");
        assert.deepEqual(result.content, [{ type: "text", text: "modern" }]);
      } finally {
        await connection.close();
      }
    });

    test("legacy elicitation: the server asks, hand-written client code answers", async () => {
      const { client, connection } = await connected();
      try {
        await initialize(client, { elicitation: {} });
        await client.send({
          jsonrpc: "2.0",
          id: "call",
          method: "tools/call",
          params: { name: "ask_name", arguments: {} },
        });
        const ask = await client.next((m) => m.method === "elicitation/create");
        assert.equal((ask.params as JsonObject).message, "Your name?");
        assert.ok(typeof ask.id === "string" || typeof ask.id === "number");
        await client.send({
          jsonrpc: "2.0",
          id: ask.id as string,
          result: { action: "accept", content: { name: "Lin" } },
        });
        const answer = await client.next(byId("call"));
        assert.deepEqual((answer.result as JsonObject).content, [{ type: "text", text: "Hi Lin" }]);
      } finally {
        await connection.close();
      }
    });

    test("legacy elicitation without the capability → an error, nothing sent", async () => {
      const { client, connection } = await connected();
      try {
        await initialize(client);
        await client.send({
          jsonrpc: "2.0",
          id: "call",
          method: "tools/call",
          params: { name: "ask_name", arguments: {} },
        });
        const answer = await client.next(byId("call"));
        // 2025-11-25 names no code for this; emcee reuses 2026-07-28's -32021.
        assert.equal(typeof (answer.error as JsonObject).code, "number");
        assert.ok(!client.received.some((m) => m.method === "elicitation/create"));
      } finally {
        await connection.close();
      }
    });

    test("notifications/cancelled aborts a running tool and suppresses its response", async () => {
      const started = deferred();
      const aborted = deferred<boolean>();
      const answered = deferred();
      const server = testServer({ started: started.resolve, aborted: aborted.resolve });
      const { client, connection } = await connected(
        reportingAnswers(server, (id) => id === "slow" && answered.resolve()),
      );
      try {
        await initialize(client);
        await client.send({
          jsonrpc: "2.0",
          id: "slow",
          method: "tools/call",
          params: { name: "wait", arguments: {} },
        });
        await within(started.promise, 2000, "the tool to start");
        await client.send({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: "slow", reason: "changed my mind" },
        });
        assert.equal(await within(aborted.promise, 2000, "the tool's signal to abort"), true);
        await within(answered.promise, 2000, "the server to finish the cancelled call");
        // Anything sent for the cancelled call was sent before this ping's answer.
        await client.send({ jsonrpc: "2.0", id: "ping", method: "ping" });
        await client.next(byId("ping"));
        assert.ok(!client.received.some((m) => m.id === "slow"), "no response to a cancelled call");
      } finally {
        await connection.close();
      }
    });

    test("invalid messages are answered and the connection goes on", async () => {
      const { client, connection } = await connected();
      try {
        await client.send({ jsonrpc: "2.0", id: null } as unknown as JsonRpcMessage);
        const error = await client.next((m) => "error" in m);
        assert.equal((error.error as JsonObject).code, -32600);
        await client.send({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/list",
          params: { _meta: MODERN_META },
        });
        assert.ok((await client.next(byId(1))).result);
      } finally {
        await connection.close();
      }
    });
  });
}
