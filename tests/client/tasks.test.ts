import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ClientError, McpClient } from "../../client/mod.ts";
import type { DetailedTask } from "../../protocol/tasks.ts";
import type { ClientOptions } from "../../client/mod.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { JsonObject, JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import { connectServer } from "../../transports/connect.ts";
import { McpServer } from "../../server/server.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { deferred, within } from "./helpers.ts";

const info = { name: "tasks-test", version: "1.0.0" };

/** Time passing on the server side: a job's work, or the interval of a client polling a task. */
function elapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
const nameSchema = { type: "object" as const, properties: { name: { type: "string" as const } } };

/** What the server's tools observed, for assertions. */
interface Observed {
  aborted: boolean;
}

function tasksServer(observed: Observed, pollIntervalMs = 5): McpServer {
  const server = new McpServer({ name: "tasks", version: "1.0.0" }, { tasks: { pollIntervalMs } });
  server.tool({
    name: "job",
    execution: { taskSupport: "optional" },
    handler: async () => {
      await elapse(20);
      return "done";
    },
  });
  server.tool({
    name: "confirm",
    execution: { taskSupport: "required" },
    handler: async (_args, context) => {
      const answers = await context.input({
        first: {
          method: "elicitation/create",
          params: { message: "1?", requestedSchema: nameSchema },
        },
        second: {
          method: "elicitation/create",
          params: { message: "2?", requestedSchema: nameSchema },
        },
      });
      const name = (key: string) => String((answers[key].content as JsonObject).name);
      return `${name("first")}+${name("second")}`;
    },
  });
  server.tool({
    name: "crash",
    execution: { taskSupport: "optional" },
    handler: () => {
      throw new McpError(ErrorCode.InternalError, "crashed");
    },
  });
  server.tool({
    name: "hang",
    execution: { taskSupport: "optional" },
    handler: (_args, context) =>
      new Promise<string>((resolve) => {
        context.signal.addEventListener("abort", () => {
          observed.aborted = true;
          resolve("stopped");
        }, { once: true });
      }),
  });
  server.tool({ name: "plain", handler: () => "now" });
  return server;
}

/** An elicitation handler that answers with the message and counts its calls. */
function counting(): { calls: string[]; handlers: ClientOptions["handlers"] } {
  const calls: string[] = [];
  return {
    calls,
    handlers: {
      elicit: (params) => {
        calls.push(params.message);
        return { action: "accept", content: { name: params.message === "1?" ? "Ada" : "Lin" } };
      },
    },
  };
}

interface Setup {
  client: McpClient;
  observed: Observed;
  /** Requests sent over HTTP: method, Mcp-Name header, time. */
  posts: { method: string; name: string | null; at: number }[];
  close: () => Promise<void>;
}

type Connect = (options: ClientOptions, pollIntervalMs?: number) => Promise<Setup>;

const overMemory: Connect = async (options, pollIntervalMs) => {
  const observed = { aborted: false };
  const [clientSide, serverSide] = createMemoryPair();
  await connectServer(tasksServer(observed, pollIntervalMs), serverSide);
  const client = new McpClient(info, { eraCache: false, ...options });
  await client.connect(clientSide);
  return { client, observed, posts: [], close: () => client.close() };
};

const overHttp: Connect = async (options, pollIntervalMs) => {
  const observed = { aborted: false };
  const http = await serveHttp(createHttpHandler(tasksServer(observed, pollIntervalMs)));
  const posts: Setup["posts"] = [];
  const recording: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    if (init?.method === "POST") {
      posts.push({
        method: headers.get("mcp-method") ?? "",
        name: headers.get("mcp-name"),
        at: performance.now(),
      });
    }
    return fetch(input, init);
  };
  const client = new McpClient(info, { eraCache: false, fetch: recording, ...options });
  try {
    await client.connect(`${http.url}/mcp`);
  } catch (error) {
    await http.close();
    throw error;
  }
  return {
    client,
    observed,
    posts,
    close: async () => {
      await client.close();
      await http.close();
    },
  };
};

for (
  const [label, connect] of [["in memory", overMemory], ["Streamable HTTP", overHttp]] as const
) {
  describe(`tasks extension, client side (${label})`, () => {
    test("callTool follows a task to its result and reports each state", async () => {
      const { client, close } = await connect({ tasks: true });
      try {
        const seen: DetailedTask[] = [];
        const result = await client.callTool("job", {}, { onTask: (task) => seen.push(task) });
        assert.deepEqual(result.content, [{ type: "text", text: "done" }]);
        assert.equal(seen[0].status, "working");
        assert.equal(typeof seen[0].taskId, "string");
        assert.ok(seen.every((task) => task.taskId === seen[0].taskId));
        assert.equal(seen.at(-1)?.status, "completed");
      } finally {
        await close();
      }
    });

    test("input_required rounds are answered once per key through tasks/update", async () => {
      const { calls, handlers } = counting();
      const { client, close } = await connect({ tasks: true, handlers });
      try {
        const result = await client.callTool("confirm");
        assert.deepEqual(result.content, [{ type: "text", text: "Ada+Lin" }]);
        assert.deepEqual(calls.sort(), ["1?", "2?"]);
      } finally {
        await close();
      }
    });

    test("a failed task rejects with its JSON-RPC error", async () => {
      const { client, close } = await connect({ tasks: true });
      try {
        await assert.rejects(
          client.callTool("crash"),
          (error) =>
            error instanceof McpError && error.code === ErrorCode.InternalError &&
            error.message === "crashed",
        );
      } finally {
        await close();
      }
    });

    test("aborting the call cancels the task on the server", async () => {
      const { client, observed, close } = await connect({ tasks: true });
      try {
        const controller = new AbortController();
        const handle = deferred<string>();
        const call = client.callTool("hang", {}, {
          signal: controller.signal,
          onTask: (task) => handle.resolve(task.taskId),
        });
        const taskId = await within(handle.promise, 10_000, "the task handle");
        controller.abort("user gave up");
        await assert.rejects(call, /cancelled/);
        assert.equal((await client.getTask(taskId)).status, "cancelled");
        assert.equal(observed.aborted, true);
      } finally {
        await close();
      }
    });

    test("without the option, tools run in the request and required ones are refused", async () => {
      const { client, close } = await connect({});
      try {
        const result = await client.callTool("job");
        assert.equal((result as unknown as JsonObject).resultType, "complete");
        assert.deepEqual(result.content, [{ type: "text", text: "done" }]);
        await assert.rejects(client.callTool("confirm"), {
          code: ErrorCode.MissingRequiredClientCapability,
        });
      } finally {
        await close();
      }
    });

    test("a tool that never makes a task answers directly with tasks declared", async () => {
      const { client, close } = await connect({ tasks: true });
      try {
        assert.deepEqual((await client.callTool("plain")).content, [{ type: "text", text: "now" }]);
      } finally {
        await close();
      }
    });

    test("getTask, updateTask, cancelTask and awaitTask by id", async () => {
      const { calls, handlers } = counting();
      const { client, close } = await connect({ tasks: true, handlers });
      try {
        const handle = await client.request("tools/call", { name: "confirm", arguments: {} });
        assert.equal(handle.resultType, "task");
        const taskId = handle.taskId as string;
        let task = await client.getTask(taskId);
        for (let i = 0; i < 200 && task.status !== "input_required"; i++) {
          await elapse(2);
          task = await client.getTask(taskId);
        }
        assert.deepEqual(Object.keys(task.inputRequests ?? {}).sort(), ["first", "second"]);
        await client.updateTask(taskId, { first: { action: "accept", content: { name: "Bo" } } });
        assert.deepEqual(Object.keys((await client.getTask(taskId)).inputRequests ?? {}), [
          "second",
        ]);
        const result = await client.awaitTask(taskId);
        assert.deepEqual(result.content, [{ type: "text", text: "Bo+Lin" }]);
        assert.deepEqual(calls, ["2?"]);
        await client.cancelTask(taskId);
        assert.equal((await client.getTask(taskId)).status, "completed");
      } finally {
        await close();
      }
    });
  });
}

describe("tasks extension over Streamable HTTP: routing headers", () => {
  test("tasks/get, tasks/update and tasks/cancel carry Mcp-Name: <taskId>", async () => {
    const { handlers } = counting();
    const { client, posts, close } = await overHttp({ tasks: true, handlers });
    try {
      let taskId = "";
      await client.callTool("confirm", {}, { onTask: (task) => (taskId = task.taskId) });
      await client.cancelTask(taskId);
      const taskPosts = posts.filter((post) => post.method.startsWith("tasks/"));
      assert.deepEqual(
        [...new Set(taskPosts.map((post) => post.method))].sort(),
        ["tasks/cancel", "tasks/get", "tasks/update"],
      );
      assert.ok(taskPosts.every((post) => post.name === taskId));
      assert.equal(posts.find((post) => post.method === "tools/call")?.name, "confirm");
    } finally {
      await close();
    }
  });

  test("polls at the server's pollIntervalMs", async () => {
    const { client, posts, close } = await overHttp({ tasks: true }, 40);
    try {
      await client.callTool("job");
      const gets = posts.filter((post) => post.method === "tasks/get").map((post) => post.at);
      const call = posts.find((post) => post.method === "tools/call")!.at;
      assert.ok(gets.length >= 1);
      assert.ok(gets[0] - call >= 35, `first poll after ${gets[0] - call} ms`);
      for (let i = 1; i < gets.length; i++) assert.ok(gets[i] - gets[i - 1] >= 35);
    } finally {
      await close();
    }
  });
});

/** A modern server stub that answers every request with `answer(method)`. */
function stubServer(answer: (method: string) => JsonObject): Transport {
  let sink: TransportSink | undefined;
  return {
    start(target) {
      sink = target;
    },
    send(message: JsonRpcMessage) {
      if ("method" in message && "id" in message) {
        const result = message.method === "server/discover"
          ? { supportedVersions: ["2026-07-28"], capabilities: {} }
          : answer(message.method);
        queueMicrotask(() =>
          sink?.message({ kind: "response", message: { jsonrpc: "2.0", id: message.id, result } })
        );
      }
      return Promise.resolve();
    },
    close() {
      sink?.close();
      return Promise.resolve();
    },
  };
}

const HANDLE = {
  resultType: "task",
  taskId: "t1",
  status: "working",
  createdAt: "2026-01-01T00:00:00Z",
  lastUpdatedAt: "2026-01-01T00:00:00Z",
  ttlMs: null,
};

describe("tasks extension: task handles where none may come", () => {
  test("a task for a client that did not declare the extension is an invalid response", async () => {
    const client = new McpClient(info, { eraCache: false });
    try {
      await client.connect(stubServer(() => HANDLE));
      await assert.rejects(client.callTool("x"), (error) => error instanceof ClientError);
    } finally {
      await client.close();
    }
  });

  test("a task in answer to resources/read is an invalid response", async () => {
    const client = new McpClient(info, { eraCache: false, tasks: true });
    try {
      await client.connect(stubServer(() => HANDLE));
      await assert.rejects(
        client.readResource("test://a"),
        (error) => error instanceof ClientError,
      );
    } finally {
      await client.close();
    }
  });

  test("a server without a poll hint is polled at defaultPollIntervalMs", async () => {
    let gets = 0;
    const client = new McpClient(info, {
      eraCache: false,
      tasks: { defaultPollIntervalMs: 1 },
    });
    try {
      await client.connect(stubServer((method) => {
        if (method !== "tasks/get") return HANDLE;
        gets += 1;
        return gets < 3
          ? { ...HANDLE, resultType: "complete" }
          : { ...HANDLE, resultType: "complete", status: "completed", result: { content: [] } };
      }));
      assert.deepEqual((await client.callTool("x")).content, []);
      assert.equal(gets, 3);
    } finally {
      await client.close();
    }
  });
});
