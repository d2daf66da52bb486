import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readdirSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import process from "node:process";
import {
  args,
  getEnv,
  type HttpServerHandle,
  runtimeName,
  serveHttp,
  spawnProcess,
  toNodeHandler,
} from "../../runtime/mod.ts";
import { currentAdapter, pickAdapter } from "../../runtime/adapter.ts";
import { userArguments } from "../../runtime/node.ts";
import { parseSse } from "../../protocol/sse.ts";
import { deferred, within } from "../async.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const runtimeDirectory = new URL("../../runtime/", import.meta.url);
const runtimeModuleUrl = new URL("mod.ts", runtimeDirectory).href;

/** Arguments that make the current runtime's executable evaluate `code` as an ES module. */
function evalArgs(code: string): string[] {
  switch (runtimeName()) {
    case "deno":
      return ["eval", code];
    case "bun":
      return ["-e", code];
    case "node":
      return ["--input-type=module", "-e", code];
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const reader = stream.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

/** Opens a raw TCP connection, for exact control over request framing and disconnects. */
function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

function waitForData(socket: Socket, needle: string): Promise<string> {
  return new Promise((resolve) => {
    let received = "";
    socket.on("data", (chunk: Uint8Array) => {
      received += decoder.decode(chunk);
      if (received.includes(needle)) resolve(received);
    });
  });
}

const openServers = new Set<HttpServerHandle>();
after(async () => {
  for (const server of openServers) await server.close();
});

async function serve(handler: (request: Request) => Promise<Response> | Response) {
  const server = await serveHttp(handler, { port: 0 });
  openServers.add(server);
  return server;
}

/** An SSE body that sends `first`, then waits for `release` before sending `second` (if any). */
function sseBody(
  release: Promise<void>,
  onCancel: () => void = () => {},
  second?: string,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller): Promise<void> {
      controller.enqueue(encoder.encode("data: first\n\n"));
      await release;
      if (second === undefined) return;
      try {
        controller.enqueue(encoder.encode(`data: ${second}\n\n`));
        controller.close();
      } catch {
        // Cancelled meanwhile.
      }
    },
    cancel(): void {
      onCancel();
    },
  });
}

const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

const globals = globalThis as { Deno?: unknown; Bun?: unknown };
const expectedRuntime = globals.Deno ? "deno" : globals.Bun ? "bun" : "node";

describe("runtimeName", () => {
  test("names the runtime running the tests", () => {
    assert.equal(runtimeName(), expectedRuntime);
  });
});

describe("adapter detection", () => {
  test("the adapter picked at load is this runtime's", () => {
    assert.equal(currentAdapter.name, expectedRuntime);
    assert.equal(currentAdapter.name, runtimeName());
  });

  test("picks Deno first, then Bun, and Node for anything else", () => {
    const deno = { version: { deno: "2.0.0" }, args: [] };
    const bun = { version: "1.0.0" };
    const nodeProcess = { env: {}, argv: ["node", "main.ts"], execArgv: [] };
    assert.equal(pickAdapter({ Deno: deno, process: nodeProcess }).name, "deno");
    assert.equal(pickAdapter({ Bun: bun, process: nodeProcess }).name, "bun");
    assert.equal(pickAdapter({ process: nodeProcess }).name, "node");
    assert.equal(pickAdapter({}).name, "node");
    // A look-alike global without the version marker is not taken for the runtime.
    assert.equal(pickAdapter({ Deno: {}, Bun: {}, process: nodeProcess }).name, "node");
  });

  test("without a process global, the environment is empty and there are no arguments", () => {
    const edge = pickAdapter({});
    assert.equal(edge.env("PATH"), undefined);
    assert.deepEqual(edge.args(), []);
    assert.throws(() => edge.stdio(), /needs Deno, Bun or Node/);
  });
});

describe("getEnv", () => {
  test("reads a set variable and returns undefined for an unset one", () => {
    assert.equal(typeof getEnv("PATH"), "string");
    assert.equal(getEnv("EMCEE_SURELY_UNSET_VARIABLE"), undefined);
  });
});

describe("args", () => {
  const fixture = new URL("fixtures/print_args.ts", import.meta.url).pathname;
  const userArgs = ["--port", "8080", "two words", "-x", "--", "last"];

  /** Arguments that make the current runtime's executable run `file` with `rest`. */
  function scriptArgs(file: string, rest: string[]): string[] {
    return runtimeName() === "node" ? [file, ...rest] : ["run", file, ...rest];
  }

  test("returns the arguments after the script, exactly as given", async () => {
    const child = spawnProcess(process.execPath, scriptArgs(fixture, userArgs));
    await child.stdin.close();
    const output = await within(readAll(child.stdout), 15000, "output");
    assert.deepEqual(await within(child.exited, 15000, "exit"), { code: 0, signal: null });
    assert.deepEqual(JSON.parse(output), userArgs);
  });

  test("returns the arguments after code given to -e", async () => {
    const script = `
      import { args, stdio } from ${JSON.stringify(runtimeModuleUrl)};
      await stdio().write(new TextEncoder().encode(JSON.stringify(args())));
    `;
    const child = spawnProcess(process.execPath, [...evalArgs(script), "first", "second"]);
    await child.stdin.close();
    const output = await within(readAll(child.stdout), 15000, "output");
    assert.deepEqual(await within(child.exited, 15000, "exit"), { code: 0, signal: null });
    assert.deepEqual(JSON.parse(output), ["first", "second"]);
  });

  test("returns a fresh array each call", () => {
    const first = args();
    first.push("mutated");
    assert.notDeepEqual(args(), first);
  });

  test("Node and Bun: drops the executable and the script, or only the executable for -e", () => {
    assert.deepEqual(userArguments(["node", "main.ts", "--stdio"], []), ["--stdio"]);
    assert.deepEqual(userArguments(["node", "main.ts"], ["--inspect"]), []);
    assert.deepEqual(userArguments(["node", "a", "b"], ["--input-type=module", "-e", "x"]), [
      "a",
      "b",
    ]);
    assert.deepEqual(userArguments(["node", "a"], ["--eval=x"]), ["a"]);
    assert.deepEqual(userArguments(["node", "a"], ["-p", "x"]), ["a"]);
  });
});

describe("serveHttp", () => {
  test("binds 127.0.0.1 on a real port and reports it to onListen", async () => {
    let reported: { hostname: string; port: number } | undefined;
    const server = await serveHttp(() => new Response("ok"), {
      onListen: (address) => (reported = address),
    });
    try {
      assert.equal(server.hostname, "127.0.0.1");
      assert.ok(server.port > 0);
      assert.equal(server.url, `http://127.0.0.1:${server.port}`);
      assert.deepEqual(reported, { hostname: "127.0.0.1", port: server.port });
    } finally {
      await server.close();
    }
  });

  test("round-trips a JSON request and response with method, URL and headers", async () => {
    const server = await serve(async (request) => {
      const url = new URL(request.url);
      return Response.json({
        method: request.method,
        path: url.pathname + url.search,
        host: url.host,
        custom: request.headers.get("x-custom"),
        body: await request.json(),
      }, { status: 201, headers: { "x-reply": "yes" } });
    });
    const response = await fetch(`${server.url}/mcp?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-custom": "abc" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-reply"), "yes");
    assert.deepEqual(await response.json(), {
      method: "POST",
      path: "/mcp?x=1",
      host: `127.0.0.1:${server.port}`,
      custom: "abc",
      body: { jsonrpc: "2.0", id: 1, method: "ping" },
    });
  });

  test("delivers an SSE event before the stream ends", async () => {
    const release = deferred();
    const server = await serve(() =>
      new Response(sseBody(release.promise, () => {}, "second"), { headers: sseHeaders })
    );
    const response = await fetch(server.url);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const events = parseSse(response.body!)[Symbol.asyncIterator]();
    // The second event is only produced after we saw the first, so buffering would time out.
    const first = await within(events.next(), 5000, "first event");
    assert.equal(first.value?.data, "first");
    release.resolve();
    assert.equal((await within(events.next(), 5000, "second event")).value?.data, "second");
    assert.equal((await within(events.next(), 5000, "end of stream")).done, true);
  });

  test("streams the request body to the handler instead of reading it whole first", async () => {
    const firstChunk = deferred<string>();
    const server = await serve(async (request) => {
      const reader = request.body!.getReader();
      let text = "";
      const first = await reader.read();
      text += decoder.decode(first.value);
      firstChunk.resolve(text);
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      return new Response(`got:${text}`);
    });
    const socket = await openSocket(server.port);
    try {
      const reply = waitForData(socket, "got:hello world");
      socket.write(
        "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n" +
          "Content-Type: text/plain\r\nConnection: close\r\n\r\n6\r\nhello \r\n",
      );
      // The rest of the body is only sent after the handler has read the first part.
      assert.equal(await within(firstChunk.promise, 5000, "first body chunk"), "hello ");
      socket.write("5\r\nworld\r\n0\r\n\r\n");
      assert.match(await within(reply, 5000, "response"), /^HTTP\/1\.1 200/);
    } finally {
      socket.destroy();
    }
  });

  test("aborts request.signal and cancels the response body when the client disconnects", async () => {
    const aborted = deferred();
    const cancelled = deferred();
    const never = new Promise<void>(() => {});
    const server = await serve((request) => {
      request.signal.addEventListener("abort", () => aborted.resolve());
      return new Response(sseBody(never, () => cancelled.resolve()), { headers: sseHeaders });
    });
    const socket = await openSocket(server.port);
    const firstEvent = waitForData(socket, "data: first");
    socket.write("GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
    await within(firstEvent, 5000, "first event");
    socket.destroy();
    await within(aborted.promise, 5000, "request.signal abort");
    await within(cancelled.promise, 5000, "response body cancel");
  });

  test("does not abort request.signal after a response was delivered", async () => {
    const signals: AbortSignal[] = [];
    const server = await serve((request) => {
      signals.push(request.signal);
      const path = new URL(request.url).pathname;
      if (path === "/empty") return new Response(null, { status: 204 });
      return new Response(path === "/stream" ? sseBody(Promise.resolve(), () => {}, "x") : "ok");
    });
    for (const path of ["/text", "/empty", "/stream"]) {
      const response = await fetch(`${server.url}${path}`);
      await response.arrayBuffer();
    }
    // Closing ends every connection, and so fires whatever abort the runtime still had pending
    // for these requests (Deno's "legacy abort" comes after each response): none may get through.
    await within(server.close(), 5000, "close()");
    assert.deepEqual(signals.map((signal) => signal.aborted), [false, false, false]);
  });

  test("aborts request.signal when the client leaves before the handler responds", async () => {
    const aborted = deferred();
    const entered = deferred();
    const server = await serve(async (request) => {
      request.signal.addEventListener("abort", () => aborted.resolve());
      entered.resolve();
      await aborted.promise;
      return new Response("too late");
    });
    const socket = await openSocket(server.port);
    socket.write("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await within(entered.promise, 5000, "handler start");
    socket.destroy();
    await within(aborted.promise, 5000, "request.signal abort");
  });

  test("streams a large response body intact", async () => {
    const chunk = new Uint8Array(64 * 1024).map((_, index) => index % 251);
    const chunkCount = 64;
    const server = await serve(() => {
      let sent = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller): void {
            if (sent++ === chunkCount) controller.close();
            else controller.enqueue(chunk.slice());
          },
        }),
      );
    });
    const bytes = new Uint8Array(await (await fetch(server.url)).arrayBuffer());
    assert.equal(bytes.length, chunk.length * chunkCount);
    assert.equal(bytes[bytes.length - 1], chunk[chunk.length - 1]);
    assert.equal(bytes[chunk.length + 7], chunk[7]);
  });

  test("close() ends an open SSE stream and stops listening", async () => {
    const never = new Promise<void>(() => {});
    const server = await serveHttp(
      () => new Response(sseBody(never), { headers: sseHeaders }),
      { port: 0 },
    );
    const response = await fetch(server.url);
    const reader = response.body!.getReader();
    await within(reader.read(), 5000, "first chunk");
    await within(server.close(), 5000, "close()");
    // The client sees the stream end, cleanly or as a connection error, rather than hang.
    await within(
      (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {}),
      5000,
      "client stream end",
    );
    await assert.rejects(fetch(server.url));
  });

  test("aborting options.signal closes the server", async () => {
    const controller = new AbortController();
    const server = await serveHttp(() => new Response("ok"), { signal: controller.signal });
    controller.abort();
    await within(server.close(), 5000, "close after abort");
    await assert.rejects(fetch(server.url));
  });

  test("answers 500 and reports the error when the handler throws", async () => {
    const errors: unknown[] = [];
    const server = await serveHttp(() => {
      throw new Error("boom");
    }, { onError: (error) => errors.push(error) });
    openServers.add(server);
    const response = await fetch(server.url);
    assert.equal(response.status, 500);
    await response.body?.cancel();
    assert.equal((errors[0] as Error).message, "boom");
  });
});

describe("toNodeHandler", () => {
  test("serves a web handler from node:http, streaming the response", async () => {
    const release = deferred();
    const server = createServer(toNodeHandler(async (request) => {
      const body = await request.text();
      if (body === "sse") {
        return new Response(sseBody(release.promise, () => {}, "second"), {
          headers: sseHeaders,
        });
      }
      return new Response(`echo:${request.method}:${body}`, {
        headers: [["set-cookie", "a=1"], ["set-cookie", "b=2"]],
      });
    }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      const plain = await fetch(`http://127.0.0.1:${port}/`, { method: "PUT", body: "hi" });
      assert.equal(await plain.text(), "echo:PUT:hi");
      assert.deepEqual(plain.headers.getSetCookie(), ["a=1", "b=2"]);

      const streamed = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "sse" });
      const events = parseSse(streamed.body!)[Symbol.asyncIterator]();
      assert.equal((await within(events.next(), 5000, "first event")).value?.data, "first");
      release.resolve();
      assert.equal((await within(events.next(), 5000, "second event")).value?.data, "second");
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});

describe("spawnProcess", () => {
  const echoScript = "process.stdin.on('data', (chunk) => process.stdout.write(chunk));";

  test("pipes stdin to a child that echoes it, then kills it with SIGTERM", async () => {
    const child = spawnProcess(process.execPath, evalArgs(echoScript));
    assert.equal(typeof child.pid, "number");
    const writer = child.stdin.getWriter();
    const reader = child.stdout.getReader();
    await writer.write(encoder.encode("hello\n"));
    let echoed = "";
    while (!echoed.includes("hello\n")) {
      const { done, value } = await within(reader.read(), 10000, "echo");
      if (done) break;
      echoed += decoder.decode(value);
    }
    assert.equal(echoed, "hello\n");
    child.kill();
    assert.deepEqual(await within(child.exited, 10000, "exit"), { code: null, signal: "SIGTERM" });
    child.kill(); // Killing an exited child is harmless.
    await reader.cancel();
    await writer.abort().catch(() => {});
  });

  test("a child exits by itself once its stdin is closed", async () => {
    const child = spawnProcess(process.execPath, evalArgs(echoScript));
    const output = readAll(child.stdout);
    const writer = child.stdin.getWriter();
    await writer.write(encoder.encode("line 1\nline 2\n"));
    await writer.close();
    assert.deepEqual(await within(child.exited, 10000, "exit"), { code: 0, signal: null });
    assert.equal(await output, "line 1\nline 2\n");
  });

  test("reports the exit code and pipes stderr on request", async () => {
    const child = spawnProcess(
      process.execPath,
      evalArgs("process.stderr.write('oops'); process.exit(3);"),
      { stderr: "pipe" },
    );
    await child.stdin.close();
    const [errorText, stdoutText, exit] = await within(
      Promise.all([readAll(child.stderr!), readAll(child.stdout), child.exited]),
      10000,
      "exit",
    );
    assert.equal(errorText, "oops");
    assert.equal(stdoutText, "");
    assert.deepEqual(exit, { code: 3, signal: null });
  });

  test("SIGKILL ends a child that ignores SIGTERM handling time", async () => {
    const child = spawnProcess(process.execPath, evalArgs("setInterval(() => {}, 1000);"));
    child.kill("SIGKILL");
    assert.deepEqual(await within(child.exited, 10000, "exit"), { code: null, signal: "SIGKILL" });
    await child.stdout.cancel();
    await child.stdin.abort().catch(() => {});
  });

  test("gives the child exactly the given environment and working directory", async () => {
    process.env.EMCEE_PARENT_ONLY = "parent";
    try {
      const env: Record<string, string> = { EMCEE_CHILD_VAR: "child-value" };
      for (const name of ["PATH", "HOME", "DENO_DIR", "TMPDIR"]) {
        const value = getEnv(name);
        if (value !== undefined) env[name] = value;
      }
      const cwd = new URL("../..", import.meta.url).pathname;
      const child = spawnProcess(
        process.execPath,
        evalArgs(
          "process.stdout.write(JSON.stringify([process.env.EMCEE_CHILD_VAR, " +
            "process.env.EMCEE_PARENT_ONLY ?? null, process.cwd()]));",
        ),
        { env, cwd },
      );
      await child.stdin.close();
      const output = await within(readAll(child.stdout), 10000, "output");
      assert.deepEqual(JSON.parse(output), ["child-value", null, cwd.replace(/\/$/, "")]);
      assert.deepEqual(await child.exited, { code: 0, signal: null });
    } finally {
      delete process.env.EMCEE_PARENT_ONLY;
    }
  });

  test("rejects exited when the executable does not exist", async () => {
    const child = spawnProcess("/nonexistent/emcee-no-such-binary", []);
    await assert.rejects(within(child.exited, 5000, "spawn failure"));
    await child.stdout.cancel().catch(() => {});
  });
});

describe("module loading", () => {
  test("has no static node:* imports, so it loads on edge runtimes", () => {
    const files = readdirSync(runtimeDirectory).filter((name) => name.endsWith(".ts"));
    assert.ok(files.includes("runtime.ts") && files.includes("node_http.ts"));
    for (const name of files) {
      const source = readFileSync(new URL(name, runtimeDirectory), "utf8");
      assert.doesNotMatch(source, /^\s*import\s[^(]*["']node:/m, name);
      assert.doesNotMatch(source, /^\s*export\s[^(]*\sfrom\s+["']node:/m, name);
    }
  });
});

describe("exitProcess", () => {
  test("ends the process with the given code", async () => {
    const script = `
      import { exitProcess } from ${JSON.stringify(runtimeModuleUrl)};
      setInterval(() => {}, 1000);
      exitProcess(7);
    `;
    const child = spawnProcess(process.execPath, evalArgs(script));
    await child.stdin.close();
    await child.stdout.cancel();
    assert.deepEqual(await within(child.exited, 15000, "exit"), { code: 7, signal: null });
  });
});

describe("stdio", () => {
  test("a child echoing via stdio() exits cleanly when its stdin closes", async () => {
    const script = `
      import { stdio } from ${JSON.stringify(runtimeModuleUrl)};
      const io = stdio();
      const reader = io.readable.getReader();
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        await io.write(value);
      }
      io.writeError("stdin ended");
    `;
    const child = spawnProcess(process.execPath, evalArgs(script), { stderr: "pipe" });
    const output = readAll(child.stdout);
    const errors = readAll(child.stderr!);
    const writer = child.stdin.getWriter();
    await writer.write(encoder.encode('{"jsonrpc":"2.0","id":1,"method":"ping"}\n'));
    await writer.write(encoder.encode("é🎉\n"));
    await writer.close();
    // No explicit exit in the script: it must end because stdin ended and nothing else is open.
    assert.deepEqual(await within(child.exited, 15000, "exit"), { code: 0, signal: null });
    assert.equal(await output, '{"jsonrpc":"2.0","id":1,"method":"ping"}\né🎉\n');
    assert.equal(await errors, "stdin ended");
  });

  test("an unread stdin does not keep the process alive", async () => {
    const script = `
      import { stdio } from ${JSON.stringify(runtimeModuleUrl)};
      await stdio().write(new TextEncoder().encode("done"));
    `;
    const child = spawnProcess(process.execPath, evalArgs(script));
    const output = readAll(child.stdout);
    // Our end of the child's stdin stays open throughout.
    assert.deepEqual(await within(child.exited, 15000, "exit"), { code: 0, signal: null });
    assert.equal(await output, "done");
    await child.stdin.close().catch(() => {});
  });

  test("preserves the order of many unawaited writes", async () => {
    const script = `
      import { stdio } from ${JSON.stringify(runtimeModuleUrl)};
      const io = stdio();
      const writes = [];
      for (let i = 0; i < 2000; i++) writes.push(io.write(new TextEncoder().encode(i + "\\n")));
      await Promise.all(writes);
      await io.readable.cancel();
    `;
    const child = spawnProcess(process.execPath, evalArgs(script));
    const output = readAll(child.stdout);
    assert.deepEqual(await within(child.exited, 15000, "exit"), { code: 0, signal: null });
    const expected = Array.from({ length: 2000 }, (_, i) => `${i}\n`).join("");
    assert.equal(await output, expected);
    await child.stdin.close().catch(() => {});
  });
});
