/**
 * `emcee proxy <url>`: a stdio server that forwards everything to a remote
 * server over HTTP or WebSocket, so hosts that only spawn stdio servers reach
 * remote ones (the job of `mcp-remote`).
 *
 * @module
 */
import { connectClient, type McpClient } from "../client/client.ts";
import { createProxyServer } from "../server/proxy/proxy.ts";
import { serveStdio } from "../transports/stdio/server.ts";
import { getEnv, onShutdownSignal } from "../runtime/mod.ts";
import { CLIENT_SETTINGS } from "./client_specs.ts";
import { type CommandSpec, FlagError, helpText, parseFlags } from "./flags.ts";
import type { CommandIo } from "./serve_commands.ts";
import { type CliAuth, optionalCliAuth, unauthorizedProblem } from "./oauth_login.ts";
import { readText } from "./setting_types.ts";

/** `emcee proxy`. */
export const PROXY_COMMAND: CommandSpec = {
  name: "proxy",
  summary: "Serve a remote MCP server (http, https, ws or wss URL) over stdin/stdout, " +
    "for clients that can only start stdio servers.",
  positionals: { name: "url", description: "The remote server's MCP endpoint." },
};

const PROXY_SETTINGS = CLIENT_SETTINGS.filter((spec) =>
  spec.name === "header" || spec.name === "bearer" || spec.name === "oauth" ||
  spec.name === "browser"
);

/** `--oauth`/`--no-oauth`, else `EMCEE_OAUTH`, else on (likewise `--browser` and `EMCEE_BROWSER`). */
function oauthSetting(flag: string | boolean | string[] | undefined, env = "EMCEE_OAUTH"): boolean {
  if (typeof flag === "boolean") return flag;
  const raw = getEnv(env);
  if (raw === undefined || raw === "") return true;
  const read = readText({ kind: "boolean" }, raw);
  if (!read.ok) throw new FlagError(`${env} must ${read.must}`, raw, "not-boolean");
  return read.value === true;
}

/** `Name: value` headers, checked. */
export function parseHeaderFlags(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of values) {
    const colon = header.indexOf(":");
    const name = colon < 0 ? "" : header.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new FlagError(
        `--header expects "Name: value", got ${JSON.stringify(header)}`,
        header,
        "missing-value",
      );
    }
    headers[name] = header.slice(colon + 1).trim();
  }
  return headers;
}

const relay = (): Promise<never> => Promise.reject(new Error("relayed by the proxy"));

/** Runs `emcee proxy`; resolves with the exit code once stdin closes or a signal arrives. */
export async function runProxy(argv: readonly string[], io: CommandIo): Promise<number> {
  let url: URL;
  let headers: Record<string, string>;
  let oauth: boolean;
  let browser: boolean;
  try {
    const parsed = parseFlags(argv, PROXY_COMMAND, PROXY_SETTINGS);
    if (parsed.help) {
      io.print(helpText(PROXY_COMMAND, PROXY_SETTINGS));
      return 0;
    }
    if (parsed.positionals.length !== 1) {
      throw new FlagError("give the remote server's URL", "", "missing-value");
    }
    url = new URL(parsed.positionals[0]);
    if (!/^(https?|wss?):$/.test(url.protocol)) {
      throw new FlagError(
        `expects an http, https, ws or wss URL, got ${url.protocol}`,
        parsed.positionals[0],
        "unexpected-argument",
      );
    }
    const given = parsed.flags.header;
    headers = parseHeaderFlags(
      Array.isArray(given) ? given : typeof given === "string" ? [given] : [],
    );
    if (typeof parsed.flags.bearer === "string") {
      headers.authorization = `Bearer ${parsed.flags.bearer}`;
    }
    oauth = oauthSetting(parsed.flags.oauth);
    browser = oauthSetting(parsed.flags.browser, "EMCEE_BROWSER");
  } catch (error) {
    io.error(`emcee proxy: ${error instanceof Error ? error.message : String(error)}`);
    io.error('Run "emcee proxy --help" for usage.');
    return 2;
  }
  let client: McpClient;
  // stdout carries the protocol: the authorization URL goes to stderr.
  const login: CliAuth | undefined = await optionalCliAuth(url, oauth, headers, {
    ...io,
    browser,
  });
  try {
    client = await connectClient(url, { name: "emcee-proxy", version: "0.1.0" }, {
      headers,
      auth: login?.provider,
      handlers: { elicit: relay, sample: relay, roots: relay },
    });
  } catch (error) {
    await login?.close();
    const refused = unauthorizedProblem(error, oauth);
    io.error(`emcee proxy: cannot reach ${url.href}: ${refused?.message ?? String(error)}`);
    if (refused !== undefined) io.error(refused.hint);
    return 3;
  }
  const proxy = await createProxyServer(client, {
    onWarning: (message) => io.error(`emcee proxy: ${message}`),
  });
  const connection = await serveStdio(proxy.server);
  const stop = onShutdownSignal(() => void connection.close());
  try {
    await connection.closed;
  } finally {
    stop();
    await proxy.close();
    await client.close();
    await login?.close();
  }
  return 0;
}
