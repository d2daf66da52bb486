import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CLIENT_COMMANDS, type ClientIo, runClientCommand } from "../../cli/client_commands.ts";
import { jsonText } from "../../cli/output.ts";
import { readBinaryFile } from "../../runtime/mod.ts";
import {
  executablePath,
  joinPath,
  runtimeName,
  serveHttp,
  writeTextFile,
} from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { buildClientServer, PIXEL_PNG } from "./fixtures/client_server.ts";
import { withTempDir } from "../temp.ts";

interface Captured {
  out: string[];
  err: string[];
  progress: string[];
  io: ClientIo;
}

function capture(env: Record<string, string> = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  return {
    out,
    err,
    progress,
    io: {
      print: (line) => out.push(line),
      error: (line) => err.push(line),
      progress: (text) => progress.push(text),
      env: (name) => env[name],
    },
  };
}

const withTemp = (body: (dir: string) => Promise<void>): Promise<void> =>
  withTempDir("emcee-client", body);

/** Serves the fixture over HTTP for one test, recording the X-Probe and Authorization headers. */
async function withServer(
  body: (url: string, seen: { probe: string[]; auth: string[] }) => Promise<void>,
): Promise<void> {
  const handler = createHttpHandler(buildClientServer());
  const seen = { probe: [] as string[], auth: [] as string[] };
  const http = await serveHttp((request) => {
    const probe = request.headers.get("x-probe");
    const auth = request.headers.get("authorization");
    if (probe !== null) seen.probe.push(probe);
    if (auth !== null) seen.auth.push(auth);
    return handler(request);
  });
  try {
    await body(`${http.url}/mcp`, seen);
  } finally {
    await http.close();
  }
}

async function run(command: Parameters<typeof runClientCommand>[0], argv: string[], c = capture()) {
  const code = await runClientCommand(command, argv, c.io);
  return { code, ...c };
}

test("CLIENT_COMMANDS lists every command", () => {
  assert.deepEqual([...CLIENT_COMMANDS], [
    "discover",
    "tools",
    "call",
    "resources",
    "read",
    "prompts",
    "prompt",
    "complete",
  ]);
});

describe("client commands over HTTP", () => {
  test("discover: human and --json", async () => {
    await withServer(async (url) => {
      const human = await run("discover", [url]);
      assert.equal(human.code, 0, human.err.join("\n"));
      assert.equal(human.out[0], "Server:    cli-fixture 1.2.3");
      assert.match(human.out[1], /^Protocol: {2}\d{4}-\d{2}-\d{2} \((modern|legacy)\)$/);
      assert.ok(human.out.includes("Capabilities:"));
      assert.ok(human.out.some((line) => /^ {2}tools\b/.test(line)));
      assert.ok(human.out.some((line) => /^ {2}prompts\b/.test(line)));
      assert.deepEqual(human.out.slice(-2), ["Instructions:", "  Use add for sums."]);
      const json = await run("discover", [url, "--json"]);
      assert.equal(json.code, 0);
      const parsed = JSON.parse(json.out.join("\n"));
      assert.equal(parsed.serverInfo.name, "cli-fixture");
      assert.equal(typeof parsed.protocolVersion, "string");
      assert.ok(parsed.capabilities.tools !== undefined);
    });
  });

  test("tools: a table and --json", async () => {
    await withServer(async (url) => {
      const human = await run("tools", [url]);
      assert.equal(human.code, 0, human.err.join("\n"));
      assert.deepEqual(human.out, [
        "NAME     DESCRIPTION",
        "add      Adds two numbers.",
        "echo     Echoes its arguments as JSON.",
        "fail     Always fails.",
        "picture  Returns an image.",
        "steps    Reports progress.",
      ]);
      const json = await run("tools", ["--json", url]);
      const parsed = JSON.parse(json.out.join("\n"));
      assert.deepEqual(parsed.tools.map((t: { name: string }) => t.name), [
        "add",
        "echo",
        "fail",
        "picture",
        "steps",
      ]);
      assert.equal(parsed.tools[0].inputSchema.properties.a.type, "number");
    });
  });

  test("call: typed arguments, text then structured content, and --json", async () => {
    await withServer(async (url) => {
      const human = await run("call", [url, "add", "a=1", "b=2"]);
      assert.equal(human.code, 0, human.err.join("\n"));
      assert.deepEqual(human.out, ["sum is 3", jsonText({ sum: 3 })]);
      const json = await run("call", [url, "add", "a=1", "--json", "--args", '{"a": 10, "b": 5}']);
      assert.equal(json.code, 0, json.err.join("\n"));
      const parsed = JSON.parse(json.out.join("\n"));
      assert.deepEqual(parsed.structuredContent, { sum: 6 });
      assert.deepEqual(parsed.content, [{ type: "text", text: "sum is 6" }]);
      const echo = await run("call", [url, "echo", "text=42", "flag=true", "tags=[1]"]);
      assert.deepEqual(JSON.parse(echo.out[0]), { text: "42", flag: true, tags: [1] });
    });
  });

  test("call: a tool error exits 1 with its text on stderr", async () => {
    await withServer(async (url) => {
      const failed = await run("call", [url, "fail"]);
      assert.equal(failed.code, 1);
      assert.deepEqual(failed.out, []);
      assert.match(failed.err.join("\n"), /boom/);
      const json = await run("call", [url, "fail", "--json"]);
      assert.equal(json.code, 1);
      assert.equal(JSON.parse(json.out.join("\n")).isError, true);
    });
  });

  test("call: an unknown tool exits 1", async () => {
    await withServer(async (url) => {
      const result = await run("call", [url, "nope"]);
      assert.equal(result.code, 1);
      assert.match(result.err.join("\n"), /nope/);
    });
  });

  test("call: a bad argument type exits 2 naming the key and type", async () => {
    await withServer(async (url) => {
      const result = await run("call", [url, "add", "a=abc"]);
      assert.equal(result.code, 2);
      assert.match(result.err[0], /^emcee call: add: a must be a number, got "abc"$/);
      assert.match(result.err[1], /emcee call --help/);
      const bad = await run("call", [url, "add", "a"]);
      assert.equal(bad.code, 2);
      assert.match(bad.err[0], /not key=value/);
    });
  });

  test("call: images are saved to --out with their paths printed", async () => {
    await withServer(async (url) => {
      await withTemp(async (dir) => {
        const result = await run("call", [url, "picture", "--out", dir]);
        assert.equal(result.code, 0, result.err.join("\n"));
        const path = joinPath(dir, "picture-1.png");
        assert.deepEqual(result.out, ["a pixel", `[image image/png saved to ${path}]`]);
        const bytes = await readBinaryFile(path);
        assert.deepEqual(bytes, Uint8Array.from(atob(PIXEL_PNG), (c) => c.charCodeAt(0)));
      });
    });
  });

  test("call: progress is drawn while the tool runs", async () => {
    await withServer(async (url) => {
      const result = await run("call", [url, "steps"]);
      assert.equal(result.code, 0, result.err.join("\n"));
      assert.deepEqual(result.out, ["finished"]);
      assert.ok(
        result.progress.some((frame) => frame.includes(" 50% half")),
        result.progress.join("|"),
      );
      assert.match(result.progress[result.progress.length - 1], /^\r +\r$/);
    });
  });

  test("headers and a bearer token reach the server", async () => {
    await withServer(async (url, seen) => {
      const result = await run("tools", [url, "--header", "X-Probe: hello", "--bearer", "s3cret"]);
      assert.equal(result.code, 0, result.err.join("\n"));
      assert.ok(seen.probe.length > 0 && seen.probe.every((v) => v === "hello"));
      assert.ok(seen.auth.includes("Bearer s3cret"));
    });
  });

  test("the bearer token may come from EMCEE_BEARER", async () => {
    await withServer(async (url, seen) => {
      const result = await run("tools", [url], capture({ EMCEE_BEARER: "from-env" }));
      assert.equal(result.code, 0, result.err.join("\n"));
      assert.ok(seen.auth.includes("Bearer from-env"));
    });
  });

  test("resources and read: table, text, saved blob and --json", async () => {
    await withServer(async (url) => {
      const list = await run("resources", [url]);
      assert.equal(list.code, 0, list.err.join("\n"));
      assert.deepEqual(list.out, [
        "URI           NAME   MIME TYPE",
        "test://note   note   text/plain",
        "test://pixel  pixel  image/png",
        "",
        "URI TEMPLATE       NAME  MIME TYPE",
        "test://items/{id}  item",
      ]);
      const listJson = JSON.parse((await run("resources", [url, "--json"])).out.join("\n"));
      assert.equal(listJson.resources.length, 2);
      assert.equal(listJson.resourceTemplates[0].uriTemplate, "test://items/{id}");
      const note = await run("read", [url, "test://note"]);
      assert.deepEqual([note.code, note.out], [0, ["A note"]]);
      const noteJson = JSON.parse(
        (await run("read", [url, "test://note", "--json"])).out.join("\n"),
      );
      assert.equal(noteJson.contents[0].text, "A note");
      const item = await run("read", [url, "test://items/7"]);
      assert.deepEqual(item.out, ["item 7"]);
      await withTemp(async (dir) => {
        const pixel = await run("read", [url, "test://pixel", "--out", dir]);
        const path = joinPath(dir, "resource-1.png");
        assert.deepEqual(pixel.out, [`[test://pixel image/png saved to ${path}]`]);
        assert.equal((await readBinaryFile(path)).length, atob(PIXEL_PNG).length);
      });
    });
  });

  test("prompts and prompt: table, rendered messages and --json", async () => {
    await withServer(async (url) => {
      const list = await run("prompts", [url]);
      assert.equal(list.code, 0, list.err.join("\n"));
      assert.deepEqual(list.out, [
        "NAME   ARGUMENTS   DESCRIPTION",
        "greet  who [tone]  Greets someone.",
      ]);
      const listJson = JSON.parse((await run("prompts", [url, "--json"])).out.join("\n"));
      assert.equal(listJson.prompts[0].name, "greet");
      const rendered = await run("prompt", [url, "greet", "who=Ada"]);
      assert.equal(rendered.code, 0, rendered.err.join("\n"));
      assert.deepEqual(rendered.out.slice(-2), ["user:", "Hello Ada"]);
      const json = JSON.parse(
        (await run("prompt", [url, "greet", "who=Ada", "--json"])).out.join("\n"),
      );
      assert.equal(json.messages[0].content.text, "Hello Ada");
      const bad = await run("prompt", [url, "greet", "Ada"]);
      assert.equal(bad.code, 2);
    });
  });

  test("complete: prompt and resource-template arguments", async () => {
    await withServer(async (url) => {
      const prompt = await run("complete", [url, "prompt:greet", "who", "A"]);
      assert.equal(prompt.code, 0, prompt.err.join("\n"));
      assert.deepEqual(prompt.out, ["Ada", "Alan"]);
      const resource = await run("complete", [url, "resource:test://items/{id}", "id", "1"]);
      assert.deepEqual(resource.out, ["1", "12"]);
      const json = JSON.parse(
        (await run("complete", [url, "prompt:greet", "who", "Al", "--json"])).out.join("\n"),
      );
      assert.deepEqual(json.completion.values, ["Alan"]);
      const bad = await run("complete", [url, "greet", "who", "A"]);
      assert.equal(bad.code, 2);
      assert.match(bad.err[0], /prompt:<name> or resource:<uri-template>/);
    });
  });

  test("a server name from --config, with the config's headers", async () => {
    await withServer(async (url, seen) => {
      await withTemp(async (dir) => {
        const config = joinPath(dir, "mcp.json");
        await writeTextFile(
          config,
          JSON.stringify({ mcpServers: { demo: { url, headers: { "X-Probe": "config" } } } }),
        );
        const result = await run("tools", ["demo", "--config", config]);
        assert.equal(result.code, 0, result.err.join("\n"));
        assert.equal(result.out[1], "add      Adds two numbers.");
        assert.ok(seen.probe.includes("config"));
        const unknown = await run("tools", ["other", "--config", config]);
        assert.equal(unknown.code, 3);
        assert.match(unknown.err[0], /unknown server "other" \(known servers: demo\)/);
      });
    });
  });
});

describe("client command failures", () => {
  test("an unreachable URL exits 3", async () => {
    const closed = await serveHttp(() => new Response("gone"));
    const url = `${closed.url}/mcp`;
    await closed.close();
    const result = await run("tools", [url, "--timeout", "5000"]);
    assert.equal(result.code, 3);
    assert.match(result.err[0], new RegExp(`^emcee tools: could not connect to ${url}`));
  });

  test("an unknown flag exits 2 with a hint", async () => {
    const result = await run("tools", ["http://127.0.0.1:1/mcp", "--jsno"]);
    assert.equal(result.code, 2);
    assert.match(result.err[0], /^emcee tools: unknown flag --jsno \(did you mean --json\?\)$/);
    assert.equal(result.err[1], 'Run "emcee tools --help" for usage.');
    const notHere = await run("tools", ["http://127.0.0.1:1/mcp", "--args", "{}"]);
    assert.equal(notHere.code, 2);
  });

  test("usage errors: no target, missing operands, bad values", async () => {
    assert.equal((await run("tools", [])).code, 2);
    assert.equal((await run("call", ["http://127.0.0.1:1/mcp"])).code, 2);
    assert.equal((await run("read", ["http://127.0.0.1:1/mcp", "a://1", "extra"])).code, 2);
    assert.equal((await run("tools", ["http://127.0.0.1:1/mcp", "--timeout", "soon"])).code, 2);
    assert.equal((await run("tools", ["http://127.0.0.1:1/mcp", "--header", "nocolon"])).code, 2);
    const args = await run("call", ["http://127.0.0.1:1/mcp", "add", "--args", "[1]"]);
    assert.equal(args.code, 2);
    assert.match(args.err[0], /--args must be a JSON object/);
  });

  test("--help prints the command's usage and exits 0", async () => {
    for (const command of CLIENT_COMMANDS) {
      const result = await run(command, ["--help"]);
      assert.equal(result.code, 0);
      assert.match(result.out[0], new RegExp(`^Usage: emcee ${command} \\[options\\] <target>`));
      assert.ok(result.out.join("\n").includes("--json"));
    }
    const call = (await run("call", ["-h"])).out.join("\n");
    assert.ok(call.includes("--args <json>") && call.includes("--out <dir>"));
    assert.ok(call.includes("repeatable; env EMCEE_HEADER"));
  });
});

describe("client commands over stdio", () => {
  const fixture = decodeURIComponent(
    new URL("./fixtures/client_stdio_server.ts", import.meta.url).pathname,
  );
  const server = runtimeName() === "deno"
    ? [executablePath(), "run", "-A", fixture]
    : [executablePath(), fixture];

  test("tools and call through a spawned server", async () => {
    const tools = await run("tools", ["--", ...server]);
    assert.equal(tools.code, 0, tools.err.join("\n"));
    assert.equal(tools.out[1], "add      Adds two numbers.");
    const call = await run("call", ["add", "a=2", "b=3", "--", ...server]);
    assert.equal(call.code, 0, call.err.join("\n"));
    assert.deepEqual(call.out, ["sum is 5", jsonText({ sum: 5 })]);
  });
});
