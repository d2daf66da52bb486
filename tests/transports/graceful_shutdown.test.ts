/**
 * Graceful shutdown on SIGTERM: a server process with a call in flight stops
 * taking new requests, lets the call finish and answer, runs the lifespan
 * disposer, and exits 0 by itself. Over HTTP (`serveMcpHttp`) and stdio.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import {
  type ChildProcessHandle,
  executablePath,
  type HttpServerHandle,
  runtimeName,
  serveHttp,
  spawnProcess,
} from "../../runtime/mod.ts";
import { type Deferred, deferred, within } from "../async.ts";
import { modernMeta } from "../server/helpers.ts";

const fixture = new URL("./fixtures/graceful_http_server.ts", import.meta.url).pathname;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The test's gate: the slow tool's request enters it and waits until the test opens it. */
async function openGate(): Promise<
  { http: HttpServerHandle; entered: Deferred<void>; release: Deferred<string> }
> {
  const entered = deferred();
  const release = deferred<string>();
  const http = await serveHttp(async () => {
    entered.resolve();
    return new Response(await release.promise);
  });
  return { http, entered, release };
}

/** The fixture on this runtime, with its stderr read line by line. */
function startFixture(gate: string, mode: "http" | "stdio"): {
  child: ChildProcessHandle;
  lines: string[];
  line(pattern: RegExp, what: string): Promise<string>;
} {
  const runtimeArgs = runtimeName() === "deno" ? ["run", "-A", fixture] : [fixture];
  const child = spawnProcess(executablePath(), [...runtimeArgs, gate, mode], { stderr: "pipe" });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; found: Deferred<string> }[] = [];
  const offer = (text: string) => {
    lines.push(text);
    for (const waiter of waiters.splice(0)) {
      if (waiter.pattern.test(text)) waiter.found.resolve(text);
      else waiters.push(waiter);
    }
  };
  void (async () => {
    let buffer = "";
    for await (const chunk of child.stderr!) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        offer(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
  })();
  const line = (pattern: RegExp, what: string): Promise<string> => {
    const seen = lines.find((text) => pattern.test(text));
    if (seen !== undefined) return Promise.resolve(seen);
    const found = deferred<string>();
    waiters.push({ pattern, found });
    return within(found.promise, 20_000, what);
  };
  return { child, lines, line };
}

function toolCall(id: number, name: string): JsonObject {
  return {
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: {}, _meta: modernMeta() },
  };
}

function post(url: string, body: JsonObject): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": String((body.params as JsonObject).name),
    },
    body: JSON.stringify(body),
  });
}

function textOf(message: JsonObject): string {
  const result = message.result as { content: { text: string }[] };
  assert.ok(result, JSON.stringify(message));
  return result.content[0].text;
}

describe("graceful shutdown on SIGTERM", () => {
  test("serveMcpHttp: refuses new requests, finishes the call in flight, disposes, exits 0", async () => {
    const gate = await openGate();
    const { child, lines, line } = startFixture(gate.http.url, "http");
    try {
      const url = (await line(/^listening /, "the fixture listening")).slice("listening ".length);
      const quick = await post(url, toolCall(1, "quick"));
      assert.equal(textOf(await quick.json()), "quick done");

      const slow = post(url, toolCall(2, "slow"));
      await within(gate.entered.promise, 20_000, "the slow call reaching the gate");
      child.kill("SIGTERM");
      await line(/^signal SIGTERM$/, "the fixture taking the signal");

      const refused = await post(url, toolCall(3, "quick"));
      assert.equal(refused.status, 503);
      const refusal = await refused.json() as { error: { message: string } };
      assert.match(refusal.error.message, /shutting down/);
      assert.equal(lines.includes("disposed"), false, "nothing is disposed while a call runs");

      gate.release.resolve("opened");
      const answered = await within(slow, 20_000, "the slow call's response");
      assert.equal(answered.status, 200);
      assert.equal(textOf(await answered.json()), "slow done: opened");

      await line(/^disposed$/, "the lifespan disposer");
      await line(/^closed$/, "the closed promise");
      const exit = await within(child.exited, 20_000, "the fixture exiting by itself");
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.deepEqual(lines.slice(-2), ["disposed", "closed"]);
    } finally {
      child.kill("SIGKILL");
      gate.release.resolve("test ended");
      await gate.http.close();
    }
  });

  test("serveStdio: answers the call in flight, refuses new ones, disposes, exits 0", async () => {
    const gate = await openGate();
    const { child, lines, line } = startFixture(gate.http.url, "stdio");
    const writer = child.stdin.getWriter();
    const reader = child.stdout.getReader();
    const send = (message: JsonObject) =>
      writer.write(encoder.encode(JSON.stringify(message) + "\n"));
    let buffered = "";
    const nextMessage = async (): Promise<JsonObject> => {
      while (!buffered.includes("\n")) {
        const { done, value } = await within(reader.read(), 20_000, "a message on stdout");
        assert.equal(done, false, "stdout ended early");
        buffered += decoder.decode(value, { stream: true });
      }
      const newline = buffered.indexOf("\n");
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      return JSON.parse(text);
    };
    try {
      await line(/^listening stdio$/, "the fixture serving stdio");
      await send(toolCall(1, "slow"));
      await within(gate.entered.promise, 20_000, "the slow call reaching the gate");
      child.kill("SIGTERM");
      await line(/^signal SIGTERM$/, "the fixture taking the signal");

      await send(toolCall(2, "quick"));
      const refusal = await nextMessage();
      assert.equal(refusal.id, 2);
      assert.match((refusal.error as { message: string }).message, /shutting down/);

      gate.release.resolve("opened");
      const answered = await nextMessage();
      assert.equal(answered.id, 1);
      assert.equal(textOf(answered), "slow done: opened");

      await line(/^disposed$/, "the lifespan disposer");
      await line(/^closed$/, "the closed promise");
      const exit = await within(child.exited, 20_000, "the fixture exiting by itself");
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.deepEqual(lines.slice(-2), ["disposed", "closed"]);
    } finally {
      child.kill("SIGKILL");
      gate.release.resolve("test ended");
      await writer.close().catch(() => {});
      await gate.http.close();
    }
  });
});
