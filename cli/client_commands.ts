/**
 * The CLI's client commands — `emcee discover|tools|call|resources|read|prompts|prompt|complete
 * <target> …` — which connect to a server (a URL, a configured name, or `-- command args`), make
 * one request, and print the answer for a person or, with `--json`, for a script.
 *
 * Exit codes: 0 success; 1 the tool failed (`isError`) or the server answered an error;
 * 2 a bad command line; 3 the server could not be reached or found.
 *
 * @module
 */

import { connectClient, type McpClient } from "../client/client.ts";
import type { ClientOptions } from "../client/options.ts";
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { JsonObject } from "../protocol/jsonrpc.ts";
import {
  currentDirectory,
  environment,
  getEnv,
  readTextFile,
  resolvePath,
  stdio,
} from "../runtime/mod.ts";
import type { StdioServerParameters } from "../transports/stdio/client.ts";
import { isTerminal } from "../runtime/terminal.ts";
import { FlagError, helpText, parseFlags } from "./flags.ts";
import {
  callResultLines,
  completionLines,
  createProgressBar,
  jsonText,
  promptResultLines,
  promptsTable,
  readResultLines,
  resourcesTable,
  serverSummaryLines,
  toolsTable,
} from "./output.ts";
import { type ClientCommandName, clientCommandSpec, headersFromFlags } from "./client_specs.ts";
import { readText, type SettingSpec } from "./setting_types.ts";
import {
  readServerConfigs,
  resolveTarget,
  type ServerConfigSource,
  TargetError,
} from "./target.ts";
import { ToolArgumentError, toolArguments } from "./tool_arguments.ts";
import { type CliAuth, optionalCliAuth, unauthorizedProblem } from "./oauth_login.ts";

export { CLIENT_COMMANDS, CLIENT_SETTINGS, clientCommandSpec } from "./client_specs.ts";
export type { ClientCommandName } from "./client_specs.ts";

/** Where the client commands print, and what they read from their surroundings. */
export interface ClientIo {
  /** Prints one line of normal output (stdout). */
  print(line: string): void;
  /** Prints one line of error output (stderr). */
  error(line: string): void;
  /**
   * Draws progress: raw text without a newline, redrawn after `\r`. When absent, progress goes
   * to stderr if stderr is a terminal, and nowhere otherwise.
   */
  progress?: (text: string) => void;
  /** Reads an environment variable; default the process environment. */
  env?: (name: string) => string | undefined;
  /** Shows an OAuth authorization URL after it was printed to stderr (tests follow it). */
  openUrl?: (url: URL) => void | Promise<void>;
}

const CLIENT_INFO = { name: "emcee-cli", version: "0.1.0" };

/** A failure with its exit code, carried to the one place that prints it. */
class CommandFailure extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(exitCode: number, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = exitCode;
    this.hint = options?.hint;
  }
}

/** The command line, checked. */
interface Invocation {
  command: ClientCommandName;
  json: boolean;
  oauth: boolean;
  browser: boolean;
  headers: Record<string, string>;
  configPath: string | undefined;
  outDir: string;
  timeoutMs: number;
  argsJson: string | undefined;
  target: string | undefined;
  rest: string[] | undefined;
  operands: string[];
}

/**
 * The `--help` text of a client command.
 *
 * @example
 * ```ts
 * import { clientHelpText } from "./client_commands.ts";
 * console.log(clientHelpText("call"));
 * ```
 */
export function clientHelpText(command: ClientCommandName): string {
  const spec = clientCommandSpec(command);
  const text = helpText(spec.command, spec.settings);
  // helpText's usage line cannot show operands in order; ours can.
  const usage = spec.usage.map((line, i) => `${i === 0 ? "Usage: " : "       "}${line}`);
  // Headers are not split on commas (values may hold them), unlike other list flags.
  const body = text.split("\n").slice(1).map((line) =>
    line.replace("comma-separated or repeated; env EMCEE_HEADER", "repeatable; env EMCEE_HEADER")
  );
  return [...usage, ...body].join("\n");
}

/**
 * Runs one client command from its arguments (those after the command name) and returns the
 * exit code: 0 success, 1 the tool returned `isError: true` or the server answered a JSON-RPC
 * error, 2 a usage error (message and hint printed), 3 the server could not be reached, the
 * transport failed, or the target is unknown.
 *
 * @example
 * ```ts
 * import { runClientCommand } from "./client_commands.ts";
 * const io = { print: (line: string) => console.log(line), error: (line: string) => console.error(line) };
 * const code = await runClientCommand("call", ["http://127.0.0.1:3000/mcp", "add", "a=1", "b=2"], io);
 * ```
 */
export async function runClientCommand(
  command: ClientCommandName,
  argv: readonly string[],
  io: ClientIo,
): Promise<number> {
  try {
    const invocation = parseInvocation(command, argv, io);
    if (invocation === undefined) {
      io.print(clientHelpText(command).trimEnd());
      return 0;
    }
    return await execute(invocation, io);
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    io.error(`emcee ${command}: ${error.message}`);
    if (error.hint !== undefined) io.error(error.hint);
    return error.exitCode;
  }
}

function usageError(command: ClientCommandName, message: string, cause?: unknown): CommandFailure {
  return new CommandFailure(2, message, {
    cause,
    hint: `Run "emcee ${command} --help" for usage.`,
  });
}

/** Parses and checks the command line; `undefined` when `--help` was asked for. */
function parseInvocation(
  command: ClientCommandName,
  argv: readonly string[],
  io: ClientIo,
): Invocation | undefined {
  const spec = clientCommandSpec(command);
  let parsed;
  try {
    parsed = parseFlags(argv, spec.command, spec.settings);
  } catch (error) {
    if (error instanceof FlagError) throw usageError(command, error.message, error);
    throw error;
  }
  if (parsed.help) return undefined;
  const env = io.env ?? getEnv;
  const value = (name: string): string | boolean | string[] | undefined => {
    const setting = spec.settings.find((s) => s.name === name);
    if (setting === undefined) return undefined;
    const given = parsed.flags[name];
    if (given !== undefined) return given;
    const fromEnv = env(setting.env);
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const text = (name: string): string | undefined => {
    const raw = value(name);
    return typeof raw === "string" ? raw : undefined;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = value(name) ?? fallback;
    return typeof raw === "string"
      ? checked(command, spec.settings, name, raw) === true
      : raw === true;
  };
  const json = flag("json", false);
  const oauth = flag("oauth", true);
  const browser = flag("browser", true);
  const timeoutRaw = text("timeout");
  const timeoutMs = timeoutRaw === undefined
    ? 60_000
    : checked(command, spec.settings, "timeout", timeoutRaw) as number;

  const { headers, malformed } = headersFromFlags(value("header"));
  if (malformed !== undefined) {
    throw usageError(command, `--header expects "Name: value", got ${JSON.stringify(malformed)}`);
  }
  const bearer = text("bearer");
  if (bearer !== undefined) headers.Authorization = `Bearer ${bearer}`;

  const rest = parsed.rest !== undefined && parsed.rest.length > 0 ? parsed.rest : undefined;
  const positionals = parsed.positionals;
  const target = rest === undefined ? positionals[0] : undefined;
  const operands = rest === undefined ? positionals.slice(1) : positionals;
  if (target === undefined && rest === undefined) {
    throw usageError(command, "no server given: pass a URL, a server name, or -- <command> <args>");
  }
  checkOperands(command, operands);
  const argsJson = text("args");
  if (command === "call") {
    try {
      toolArguments(operands.slice(1), undefined, argsJson);
    } catch (error) {
      if (error instanceof ToolArgumentError) throw usageError(command, error.message, error);
      throw error;
    }
  }
  if (command === "prompt") promptArguments(command, operands.slice(1));
  if (command === "complete") completionRef(command, operands[0]);
  const out = text("out");
  return {
    command,
    json,
    oauth,
    browser,
    headers,
    configPath: text("config"),
    outDir: out === undefined ? currentDirectory() : resolvePath(out),
    timeoutMs,
    argsJson,
    target,
    rest,
    operands,
  };
}

function checked(
  command: ClientCommandName,
  settings: readonly SettingSpec[],
  name: string,
  raw: string,
): string | number | boolean | string[] {
  const setting = settings.find((s) => s.name === name)!;
  const read = readText(setting.type, raw);
  if (!read.ok) {
    throw usageError(command, `${setting.flag} must ${read.must}, got ${JSON.stringify(raw)}`);
  }
  return read.value;
}

const OPERANDS: Record<ClientCommandName, { min: number; max: number; what: string }> = {
  discover: { min: 0, max: 0, what: "" },
  tools: { min: 0, max: 0, what: "" },
  resources: { min: 0, max: 0, what: "" },
  prompts: { min: 0, max: 0, what: "" },
  call: { min: 1, max: Infinity, what: "a tool name" },
  read: { min: 1, max: 1, what: "a resource URI" },
  prompt: { min: 1, max: Infinity, what: "a prompt name" },
  complete: {
    min: 3,
    max: 3,
    what: "a reference (prompt:<name> or resource:<template>), an argument name and a value",
  },
};

function checkOperands(command: ClientCommandName, operands: readonly string[]): void {
  const { min, max, what } = OPERANDS[command];
  if (operands.length < min) throw usageError(command, `missing ${what}`);
  if (operands.length > max) {
    throw usageError(command, `unexpected argument ${JSON.stringify(operands[max])}`);
  }
}

function promptArguments(
  command: ClientCommandName,
  pairs: readonly string[],
): Record<string, string> {
  const args: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw usageError(
        command,
        `argument ${JSON.stringify(pair)} is not key=value (for example who=Ada)`,
      );
    }
    args[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return args;
}

type CompletionRef = { type: "ref/prompt"; name: string } | { type: "ref/resource"; uri: string };

function completionRef(command: ClientCommandName, ref: string): CompletionRef {
  if (ref.startsWith("prompt:") && ref.length > 7) {
    return { type: "ref/prompt", name: ref.slice(7) };
  }
  if (ref.startsWith("resource:") && ref.length > 9) {
    return { type: "ref/resource", uri: ref.slice(9) };
  }
  throw usageError(
    command,
    `reference ${JSON.stringify(ref)} must be prompt:<name> or resource:<uri-template>`,
  );
}

async function configSources(path: string | undefined): Promise<ServerConfigSource[]> {
  if (path === undefined) return await readServerConfigs();
  try {
    return [{ path, text: await readTextFile(resolvePath(path)) }];
  } catch (error) {
    throw new CommandFailure(3, `cannot read --config ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function connect(invocation: Invocation, io: ClientIo): Promise<[McpClient, CliAuth?]> {
  const { target: name, rest } = invocation;
  let resolved;
  try {
    const isUrl = name !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(name);
    const configs = rest !== undefined || isUrl ? [] : await configSources(invocation.configPath);
    resolved = resolveTarget({ target: name, rest }, configs);
  } catch (error) {
    if (error instanceof TargetError) throw new CommandFailure(3, error.message, { cause: error });
    throw error;
  }
  const options: ClientOptions = {
    timeoutMs: invocation.timeoutMs,
    onWarning: (message) => io.error(`warning: ${message}`),
  };
  const where = resolved.kind === "url"
    ? resolved.url
    : [resolved.params.command, ...(resolved.params.args ?? [])].join(" ");
  if (resolved.kind === "url") options.headers = { ...resolved.headers, ...invocation.headers };
  const login = resolved.kind === "url"
    ? await optionalCliAuth(resolved.url, invocation.oauth, options.headers, {
      ...io,
      browser: invocation.browser,
    })
    : undefined;
  options.auth = login?.provider;
  try {
    const target = resolved.kind === "url" ? resolved.url : withInheritedEnv(resolved.params);
    return [await connectClient(target, CLIENT_INFO, options), login];
  } catch (error) {
    await login?.close();
    const refused = unauthorizedProblem(error, invocation.oauth);
    const message = `could not connect to ${where}: ${refused?.message ?? describe(error)}`;
    throw new CommandFailure(3, message, { cause: error, hint: refused?.hint });
  }
}

/** A config's `env` adds to ours (as MCP hosts do); the transport takes a complete one. */
function withInheritedEnv(params: StdioServerParameters): StdioServerParameters {
  return params.env === undefined
    ? params
    : { ...params, env: { ...environment(), ...params.env } };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/** Connects, makes the request, prints, and maps failures to exit codes. */
async function execute(invocation: Invocation, io: ClientIo): Promise<number> {
  const [client, login] = await connect(invocation, io);
  try {
    return await request(client, invocation, io);
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    if (error instanceof McpError) {
      const lost = error.code === ErrorCode.ConnectionClosed ||
        error.code === ErrorCode.RequestTimeout;
      throw new CommandFailure(lost ? 3 : 1, `${error.message} (${error.code})`, { cause: error });
    }
    throw new CommandFailure(3, describe(error), { cause: error });
  } finally {
    await client.close().catch(() => {});
    await login?.close();
  }
}

async function request(client: McpClient, invocation: Invocation, io: ClientIo): Promise<number> {
  const { command, operands, json, outDir } = invocation;
  const show = async (value: unknown, lines: () => string[] | Promise<string[]>) => {
    for (const line of json ? [jsonText(value)] : await lines()) io.print(line);
  };
  switch (command) {
    case "discover": {
      const discovered = await client.discover();
      const summary = {
        serverInfo: client.serverInfo,
        protocolVersion: client.protocolVersion,
        era: client.era,
        supportedVersions: discovered.supportedVersions,
        capabilities: client.serverCapabilities as JsonObject,
        instructions: client.instructions,
      };
      await show(summary, () => serverSummaryLines(summary));
      return 0;
    }
    case "tools": {
      const tools = await client.listTools();
      await show({ tools }, () => toolsTable(tools));
      return 0;
    }
    case "resources": {
      const resources = await client.listResources();
      const resourceTemplates = await client.listResourceTemplates().catch((error) => {
        // A server with resources but no templates may not know the method.
        if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
        throw error;
      });
      await show(
        { resources, resourceTemplates },
        () => resourcesTable(resources, resourceTemplates),
      );
      return 0;
    }
    case "prompts": {
      const prompts = await client.listPrompts();
      await show({ prompts }, () => promptsTable(prompts));
      return 0;
    }
    case "read": {
      const result = await client.readResource(operands[0]);
      await show(result, () => readResultLines(result, { outDir, stem: "resource" }));
      return 0;
    }
    case "prompt": {
      const result = await client.getPrompt(
        operands[0],
        promptArguments(command, operands.slice(1)),
      );
      await show(result, () => promptResultLines(result, { outDir, stem: operands[0] }));
      return 0;
    }
    case "complete": {
      const [ref, name, value] = operands;
      const result = await client.complete(completionRef(command, ref), { name, value });
      await show(result, () => completionLines(result));
      return 0;
    }
    case "call":
      return await call(client, invocation, io);
  }
}

async function call(client: McpClient, invocation: Invocation, io: ClientIo): Promise<number> {
  const [tool, ...pairs] = invocation.operands;
  const listed = (await client.listTools()).find((t) => t.name === tool);
  let args: JsonObject;
  try {
    args = toolArguments(pairs, listed?.inputSchema, invocation.argsJson);
  } catch (error) {
    if (error instanceof ToolArgumentError) {
      throw usageError(invocation.command, `${tool}: ${error.message}`, error);
    }
    throw error;
  }
  const write = io.progress ??
    (isTerminal("stderr") ? (text: string) => stdio().writeError(text) : undefined);
  const bar = createProgressBar(write);
  let result;
  try {
    // A tool that keeps reporting progress is working, not stuck: each report restarts --timeout.
    result = await client.callTool(tool, args, {
      onProgress: (progress) => bar.update(progress),
      resetTimeoutOnProgress: true,
    });
  } finally {
    bar.clear();
  }
  const failed = result.isError === true;
  if (invocation.json) {
    io.print(jsonText(result));
  } else {
    const lines = await callResultLines(result, { outDir: invocation.outDir, stem: tool });
    for (const line of lines) (failed ? io.error : io.print)(line);
  }
  return failed ? 1 : 0;
}
