/**
 * The client commands' names, flags and usage, declared once for parsing and
 * for `--help`.
 *
 * @module
 */

import type { CommandSpec } from "./flags.ts";
import type { SettingSpec } from "./setting_types.ts";

/** A client command: one request to a server. */
export type ClientCommandName =
  | "discover"
  | "tools"
  | "call"
  | "resources"
  | "read"
  | "prompts"
  | "prompt"
  | "complete";

/** Every client command, in the order `emcee --help` lists them. */
export const CLIENT_COMMANDS: readonly ClientCommandName[] = [
  "discover",
  "tools",
  "call",
  "resources",
  "read",
  "prompts",
  "prompt",
  "complete",
];

/**
 * The flags of the client commands. Each may also come from its environment
 * variable (the flag wins); `--args` and `--out` are taken only by the commands
 * that use them.
 */
export const CLIENT_SETTINGS: readonly SettingSpec[] = [
  {
    name: "json",
    flag: "--json",
    env: "EMCEE_JSON",
    key: "json",
    type: { kind: "boolean" },
    default: false,
    description: "Print the raw result as JSON, for scripts.",
  },
  {
    name: "header",
    flag: "--header",
    short: "-H",
    env: "EMCEE_HEADER",
    key: "header",
    type: { kind: "list" },
    default: [],
    placeholder: "<'Name: value'>",
    description: "An HTTP header to send; repeat for more.",
  },
  {
    name: "bearer",
    flag: "--bearer",
    env: "EMCEE_BEARER",
    key: "bearer",
    type: { kind: "string" },
    default: "",
    placeholder: "<token>",
    description: "Send Authorization: Bearer <token> over HTTP.",
  },
  {
    name: "oauth",
    flag: "--oauth",
    env: "EMCEE_OAUTH",
    key: "oauth",
    type: { kind: "boolean" },
    default: true,
    description:
      "Sign in when an HTTP server answers 401 (not with --bearer or an Authorization header); tokens go to $EMCEE_TOKEN_FILE, default ~/.config/emcee/tokens.json.",
  },
  {
    name: "browser",
    flag: "--browser",
    env: "EMCEE_BROWSER",
    key: "browser",
    type: { kind: "boolean" },
    default: true,
    description:
      "Open the sign-in URL in the browser when stderr is a terminal (--no-browser or EMCEE_NO_BROWSER=1: only print it).",
  },
  {
    name: "config",
    flag: "--config",
    env: "EMCEE_MCP_CONFIG",
    key: "config",
    type: { kind: "string" },
    default: "",
    placeholder: "<path>",
    description:
      "The mcp.json to look server names up in (default: mcp.json, .vscode/mcp.json, Claude's).",
  },
  {
    name: "timeout",
    flag: "--timeout",
    env: "EMCEE_TIMEOUT",
    key: "timeout",
    type: { kind: "integer", min: 1, max: 2_147_483_647 },
    default: 60_000,
    placeholder: "<ms>",
    description: "How long to wait for each answer, in milliseconds.",
  },
  {
    name: "out",
    flag: "--out",
    env: "EMCEE_OUT",
    key: "out",
    type: { kind: "string" },
    default: "",
    placeholder: "<dir>",
    description: "Where images, audio and blobs are saved (default: the current directory).",
  },
  {
    name: "args",
    flag: "--args",
    env: "EMCEE_ARGS",
    key: "args",
    type: { kind: "string" },
    default: "",
    placeholder: "<json>",
    description: "The tool's arguments as a JSON object; key=value pairs override it.",
  },
];

/** How one client command is parsed and described. */
export interface ClientCommandSpec {
  /** For `parseFlags` and `helpText`. */
  readonly command: CommandSpec;
  /** The flags this command takes. */
  readonly settings: readonly SettingSpec[];
  /** Usage lines, without `Usage:`. */
  readonly usage: readonly string[];
}

const DETAILS: Record<ClientCommandName, { operands: string; summary: string; flags: string[] }> = {
  discover: {
    operands: "",
    summary: "Show the server's name, protocol version and capabilities.",
    flags: [],
  },
  tools: { operands: "", summary: "List the server's tools.", flags: [] },
  call: {
    operands: "<tool> [key=value...]",
    summary:
      "Call a tool. Values are typed by the tool's input schema (a=1 sends a number when a is a number); images and audio are saved to files.",
    flags: ["out", "args"],
  },
  resources: {
    operands: "",
    summary: "List the server's resources and resource templates.",
    flags: [],
  },
  read: {
    operands: "<uri>",
    summary: "Read a resource; binary contents are saved to files.",
    flags: ["out"],
  },
  prompts: { operands: "", summary: "List the server's prompts and their arguments.", flags: [] },
  prompt: {
    operands: "<name> [key=value...]",
    summary: "Render a prompt with its arguments.",
    flags: ["out"],
  },
  complete: {
    operands: "<prompt:name|resource:template> <argument> <value>",
    summary: "Ask the server to complete an argument of a prompt or resource template.",
    flags: [],
  },
};

const COMMON = new Set(["json", "header", "bearer", "oauth", "browser", "config", "timeout"]);

/**
 * The parsing spec, flags and usage lines of a client command.
 *
 * @example
 * ```ts
 * import { clientCommandSpec } from "./client_specs.ts";
 * clientCommandSpec("read").usage[0]; // "emcee read [options] <target> <uri>"
 * ```
 */
export function clientCommandSpec(name: ClientCommandName): ClientCommandSpec {
  const details = DETAILS[name];
  const settings = CLIENT_SETTINGS.filter((s) =>
    COMMON.has(s.name) || details.flags.includes(s.name)
  );
  const operands = details.operands === "" ? "" : ` ${details.operands}`;
  return {
    command: {
      name,
      summary:
        `${details.summary}\nThe server is a URL, a name from mcp.json, or a command after --.`,
      positionals: {
        name: "target",
        description: "A URL (http, https, ws, wss) or a configured server name" +
          (operands === "" ? "." : `, then ${details.operands}.`),
        variadic: true,
      },
      rest: {
        name: "command",
        description: "A server to spawn and speak to over stdio, instead of a target.",
      },
    },
    settings,
    usage: [
      `emcee ${name} [options] <target>${operands}`,
      `emcee ${name} [options]${operands} -- <command> [args...]`,
    ],
  };
}

/**
 * The `--header "Name: value"` flags as headers, and the first one that is not of that form
 * (a token name, a colon) as `malformed`.
 *
 * @example
 * ```ts
 * import { headersFromFlags } from "./client_specs.ts";
 * console.log(headersFromFlags(["X-Team: a"]).headers); // { "X-Team": "a" }
 * ```
 */
export function headersFromFlags(
  raw: string | boolean | string[] | undefined,
): { headers: Record<string, string>; malformed?: string } {
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  const headers: Record<string, string> = {};
  for (const header of list) {
    const colon = header.indexOf(":");
    const name = colon < 0 ? "" : header.slice(0, colon).trim();
    if (name === "" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      return { headers, malformed: header };
    }
    headers[name] = header.slice(colon + 1).trim();
  }
  return { headers };
}
