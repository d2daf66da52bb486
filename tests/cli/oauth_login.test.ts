/**
 * The CLI signs in with OAuth when a server answers 401: `emcee call` and `emcee proxy`
 * against an emcee server behind emcee's own authorization server (consent auto-approved),
 * the "browser" being a fetch of the printed URL that follows the redirect to the loopback
 * receiver; tokens kept in the token file are reused by the next run.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { autoApprove } from "../../auth/authorization_server/consent.ts";
import { connectClient } from "../../client/client.ts";
import { type ClientIo, runClientCommand } from "../../cli/client_commands.ts";
import { browserOpener, cliAuth, optionalCliAuth, tokenFilePath } from "../../cli/oauth_login.ts";
import {
  currentDirectory,
  fileInfo,
  getEnv,
  homeDirectory,
  joinPath,
  readTextFile,
  writeTextFile,
} from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { within } from "../async.ts";
import { withTempDir } from "../temp.ts";
import { emceeCommand } from "./emcee_command.ts";
import { type ProtectedEndpoint, serveProtected } from "../auth/fixtures/protected_endpoint.ts";

const WAIT = 20_000;

/** The "browser": requests the authorization URL and follows it to the loopback receiver. */
async function click(url: URL): Promise<void> {
  const response = await fetch(url);
  const page = await response.text();
  assert.equal(response.status, 200, page);
  assert.match(page, /Authorization received/);
}

interface Recorded {
  io: ClientIo;
  out: string[];
  err: string[];
  opened: URL[];
}

function recordingIo(tokenFile: string, openUrl?: (url: URL) => Promise<void>): Recorded {
  const out: string[] = [];
  const err: string[] = [];
  const opened: URL[] = [];
  const env: Record<string, string> = { EMCEE_TOKEN_FILE: tokenFile };
  return {
    out,
    err,
    opened,
    io: {
      print: (line) => out.push(line),
      error: (line) => err.push(line),
      env: (name) => env[name],
      openUrl: async (url) => {
        opened.push(url);
        if (openUrl === undefined) throw new Error(`no authorization expected, got ${url.href}`);
        await openUrl(url);
      },
    },
  };
}

describe("the CLI signs in with OAuth", () => {
  let endpoint: ProtectedEndpoint;
  let mcpUrl: string;

  before(async () => {
    const server = new McpServer({ name: "oauth-login-test", version: "1.0.0" });
    server.tool({
      name: "add",
      input: {
        type: "object",
        properties: { a: { type: "number" }, b: { type: "number" } },
        required: ["a", "b"],
      },
      handler: ({ a, b }: { a: number; b: number }) => String(a + b),
    });
    endpoint = await serveProtected(server, {
      requiredScopes: ["mcp"],
      consent: autoApprove({ subject: "ada" }),
    });
    mcpUrl = endpoint.url;
  });

  after(async () => {
    await endpoint.close();
  });

  test("call authorizes once, keeps the tokens 0600, and the next run reuses them", async () => {
    await withTempDir("emcee-oauth-login", async (dir) => {
      const tokenFile = joinPath(dir, "config", "tokens.json");
      const first = recordingIo(tokenFile, click);
      const code = await within(
        runClientCommand("call", [mcpUrl, "add", "a=1", "b=2"], first.io),
        WAIT,
        "first call",
      );
      assert.equal(code, 0, first.err.join("\n"));
      assert.deepEqual(first.out, ["3"]);
      assert.equal(first.opened.length, 1);
      const printed = first.err.find((line) => line.startsWith("Open this URL to authorize: "));
      assert.equal(printed, `Open this URL to authorize: ${first.opened[0].href}`);
      assert.equal(
        first.opened[0].origin,
        endpoint.http.url,
        "the URL is the authorization server's",
      );
      assert.equal((await fileInfo(tokenFile))!.mode! & 0o777, 0o600);
      const document = JSON.parse(await readTextFile(tokenFile));
      assert.equal(Object.keys(document.tokens).length, 1);

      const second = recordingIo(tokenFile);
      const again = await within(
        runClientCommand("call", [mcpUrl, "add", "a=20", "b=22"], second.io),
        WAIT,
        "second call",
      );
      assert.equal(again, 0, second.err.join("\n"));
      assert.deepEqual(second.out, ["42"]);
      assert.deepEqual(second.opened, [], "the stored tokens were used");
      assert.ok(!second.err.some((line) => line.includes("Open this URL")), second.err.join("\n"));

      // Tokens gone (revoked, expired without refresh): the next run signs in again, from a
      // receiver on another port.
      document.tokens = {};
      await writeTextFile(tokenFile, JSON.stringify(document), { mode: 0o600 });
      const third = recordingIo(tokenFile, click);
      const code3 = await within(
        runClientCommand("call", [mcpUrl, "add", "a=2", "b=2"], third.io),
        WAIT,
        "third call",
      );
      assert.equal(code3, 0, third.err.join("\n"));
      assert.deepEqual(third.out, ["4"]);
      assert.equal(third.opened.length, 1);
      const after = JSON.parse(await readTextFile(tokenFile));
      // The client library registers again for a new redirect port, replacing the entry.
      assert.equal(Object.keys(after.clients).length, 1);
      assert.equal(Object.keys(after.tokens).length, 1);
    });
  });

  test("--no-browser only prints the URL: nothing is opened, and signing in from it works", async () => {
    await withTempDir("emcee-oauth-login", async (dir) => {
      const run = recordingIo(joinPath(dir, "tokens.json"));
      const clicks: Promise<void>[] = [];
      const prefix = "Open this URL to authorize: ";
      run.io.error = (line) => {
        run.err.push(line);
        if (line.startsWith(prefix)) clicks.push(click(new URL(line.slice(prefix.length))));
      };
      const code = await within(
        runClientCommand("call", ["--no-browser", mcpUrl, "add", "a=4", "b=5"], run.io),
        WAIT,
        "call --no-browser",
      );
      assert.equal(code, 0, run.err.join("\n"));
      assert.deepEqual(run.out, ["9"]);
      assert.deepEqual(run.opened, [], "the opener was not called");
      assert.equal(clicks.length, 1, "the URL was printed");
      await clicks[0];
    });
  });

  test("without signing in, a 401 is a connection failure naming authorization", async () => {
    await withTempDir("emcee-oauth-login", async (dir) => {
      const tokenFile = joinPath(dir, "tokens.json");
      for (const argv of [["--no-oauth"], ["--bearer", "not-a-token"]]) {
        const run = recordingIo(tokenFile);
        const code = await within(
          runClientCommand("call", [...argv, mcpUrl, "add", "a=1", "b=2"], run.io),
          WAIT,
          argv.join(" "),
        );
        assert.equal(code, 3, run.err.join("\n"));
        assert.deepEqual(run.out, []);
        assert.deepEqual(run.opened, [], "no authorization was started");
        assert.match(run.err[0], /could not connect to .*: the server requires authorization/);
        assert.match(run.err.join("\n"), /--bearer/);
      }
      assert.equal(await fileInfo(tokenFile), undefined, "nothing was stored");
    });
  });

  test("EMCEE_OAUTH=false turns signing in off", async () => {
    await withTempDir("emcee-oauth-login", async (dir) => {
      const run = recordingIo(joinPath(dir, "tokens.json"));
      const env = run.io.env!;
      run.io.env = (name) => name === "EMCEE_OAUTH" ? "false" : env(name);
      const code = await within(runClientCommand("tools", [mcpUrl], run.io), WAIT, "tools");
      assert.equal(code, 3, run.err.join("\n"));
      assert.match(run.err.join("\n"), /--no-oauth/, "the hint names the flag that turned it off");
    });
  });

  test("emcee proxy signs in, printing the URL on stderr, then forwards", async () => {
    await withTempDir("emcee-oauth-login", async (dir) => {
      const env: Record<string, string> = {
        DENO_NO_UPDATE_CHECK: "1",
        NO_COLOR: "1",
        EMCEE_TOKEN_FILE: joinPath(dir, "tokens.json"),
      };
      for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
        const value = getEnv(name);
        if (value !== undefined) env[name] = value;
      }
      const clicks: Promise<void>[] = [];
      const stderr: string[] = [];
      const client = await within(
        connectClient({
          ...emceeCommand(["proxy", mcpUrl]),
          env,
          onStderrLine: (line) => {
            stderr.push(line);
            const prefix = "Open this URL to authorize: ";
            if (line.startsWith(prefix)) clicks.push(click(new URL(line.slice(prefix.length))));
          },
        }, { name: "proxy-oauth-test", version: "1.0.0" }),
        WAIT,
        "connect through the proxy",
      );
      try {
        const result = await within(client.callTool("add", { a: 2, b: 3 }), WAIT, "proxied call");
        assert.deepEqual(result.content, [{ type: "text", text: "5" }]);
        assert.equal(clicks.length, 1, stderr.join("\n"));
        await clicks[0];
      } finally {
        await client.close();
      }

      // --no-oauth: the 401 ends the proxy with exit 3 before it serves.
      await assert.rejects(
        within(
          connectClient({
            ...emceeCommand(["proxy", "--no-oauth", mcpUrl]),
            env,
            stderr: "capture",
          }, { name: "proxy-oauth-test", version: "1.0.0" }),
          WAIT,
          "connect through the proxy without oauth",
        ),
        /requires authorization/,
      );
    });
  });
});

describe("cliAuth", () => {
  test("the token file is EMCEE_TOKEN_FILE, else under XDG_CONFIG_HOME, else ~/.config", () => {
    const env = (values: Record<string, string>) => (name: string) => values[name];
    assert.equal(tokenFilePath(env({ EMCEE_TOKEN_FILE: "/t/x.json" })), "/t/x.json");
    assert.equal(
      tokenFilePath(env({ XDG_CONFIG_HOME: "/cfg" })),
      joinPath("/cfg", "emcee", "tokens.json"),
    );
    assert.equal(
      tokenFilePath(env({})),
      joinPath(homeDirectory() ?? currentDirectory(), ".config", "emcee", "tokens.json"),
    );
  });

  test("credentials given by hand, or --no-oauth, mean no sign-in", async () => {
    const io = { error: () => {} };
    const url = "http://127.0.0.1:1/mcp";
    assert.equal(await optionalCliAuth(url, false, {}, io), undefined);
    assert.equal(await optionalCliAuth(url, true, { Authorization: "Bearer x" }, io), undefined);
    const login = await optionalCliAuth(url, true, { "X-Other": "y" }, io);
    assert.ok(login !== undefined);
    await login.close();
  });

  test("nothing is sent or started before the server asks, and close works unused", async () => {
    const login = await cliAuth("http://127.0.0.1:1/mcp", { error: () => {} });
    assert.equal(
      await login.provider.headers({ url: "http://127.0.0.1:1/mcp", method: "POST" }),
      undefined,
    );
    await login.close();
  });
});

describe("browserOpener", () => {
  const URL_TO_OPEN = new URL("https://auth.example.com/authorize?client_id=a&state=b");
  const env = (values: Record<string, string>) => (name: string) => values[name];

  test("no browser with --no-browser, EMCEE_NO_BROWSER, or without a terminal", () => {
    const open = () => Promise.resolve(true);
    const base = { interactive: true, env: env({}), open, error: () => {} };
    assert.equal(typeof browserOpener(base), "function");
    assert.equal(browserOpener({ ...base, browser: false }), undefined);
    assert.equal(browserOpener({ ...base, interactive: false }), undefined);
    for (const value of ["1", "true", "yes"]) {
      assert.equal(browserOpener({ ...base, env: env({ EMCEE_NO_BROWSER: value }) }), undefined);
    }
    for (const value of ["", "0", "false"]) {
      const opener = browserOpener({ ...base, env: env({ EMCEE_NO_BROWSER: value }) });
      assert.equal(typeof opener, "function", `EMCEE_NO_BROWSER=${JSON.stringify(value)}`);
    }
  });

  test("the injected opener gets the URL; a failure is one line on stderr, never a rejection", async () => {
    const opened: string[] = [];
    const errors: string[] = [];
    const opener = (result: boolean | Error) =>
      browserOpener({
        interactive: true,
        env: env({}),
        open: (url) => {
          opened.push(url.href);
          return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
        },
        error: (line) => errors.push(line),
      })!;
    await opener(true)(URL_TO_OPEN);
    assert.deepEqual(opened, [URL_TO_OPEN.href]);
    assert.deepEqual(errors, []);
    await opener(false)(URL_TO_OPEN);
    await opener(new Error("no xdg-open"))(URL_TO_OPEN);
    assert.equal(opened.length, 3);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /Could not open a browser/);
  });

  test("cliAuth prints the URL and then hands it to the opener", async () => {
    await withTempDir("emcee-oauth-browser", async (dir) => {
      const server = new McpServer({ name: "browser-test", version: "1.0.0" });
      server.tool({ name: "ping", handler: () => "pong" });
      const endpoint = await serveProtected(server, {
        requiredScopes: ["mcp"],
        consent: autoApprove({ subject: "ada" }),
      });
      const events: string[] = [];
      const login = await cliAuth(endpoint.url, {
        error: (line) => events.push(`printed ${line}`),
        env: (name) => name === "EMCEE_TOKEN_FILE" ? joinPath(dir, "tokens.json") : undefined,
        openUrl: async (url) => {
          events.push(`opened ${url.href}`);
          await click(url);
        },
      });
      try {
        const client = await within(
          connectClient(endpoint.url, { name: "browser-test", version: "1.0.0" }, {
            auth: login.provider,
          }),
          WAIT,
          "connect",
        );
        await client.close();
      } finally {
        await login.close();
        await endpoint.close();
      }
      assert.equal(events.length, 2, events.join("\n"));
      const href = events[1].slice("opened ".length);
      assert.equal(events[0], `printed Open this URL to authorize: ${href}`);
    });
  });
});
