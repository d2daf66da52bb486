/**
 * Documentation generated from the settings schema: a command's `--help` text
 * and the README's table of settings, so neither can drift from the parser.
 *
 * @module
 */

import type { CommandSpec } from "./flags.ts";
import type { SettingSpec, SettingType, SettingValue } from "./setting_types.ts";

/**
 * The `--help` text of a command: usage, summary, arguments, and one entry per
 * setting with its flag, environment variable, default and description.
 *
 * @example
 * ```ts
 * import { helpText } from "./help.ts";
 * import { SETTINGS } from "./settings.ts";
 * console.log(helpText({ name: "serve", summary: "Serve tools." }, SETTINGS));
 * // Usage: emcee serve [options]
 * //
 * // Serve tools.
 * //
 * // Options:
 * //       --host <host>           Interface to listen on for HTTP.
 * //                               env EMCEE_HOST, default 127.0.0.1
 * //   -p, --port <port>           Port to listen on for HTTP; 0 picks a free one.
 * //                               env EMCEE_PORT, default 8765
 * // ...
 * ```
 */
export function helpText(command: CommandSpec, schema: readonly SettingSpec[]): string {
  const lines = [`Usage: ${usage(command)}`, "", command.summary];
  const args: [string, string][] = [];
  if (command.positionals !== undefined) {
    const { name, variadic, description } = command.positionals;
    args.push([`${name}${variadic ? "..." : ""}`, description]);
  }
  if (command.rest !== undefined) {
    args.push([`-- ${command.rest.name}...`, command.rest.description]);
  }

  const options: [string, string, string | undefined][] = schema.map((spec) => [
    `${spec.short === undefined ? "    " : `${spec.short}, `}${flagForm(spec)}`,
    spec.description,
    details(spec),
  ]);
  options.push(["-h, --help", "Show this help.", undefined]);

  // Descriptions start in one column; a longer flag puts its description below it.
  const lefts = [...args, ...options].map(([left]) => left.length).filter((n) => n <= MAX_LEFT);
  const width = Math.max(...lefts) + 3;
  const entry = (left: string, description: string, more?: string) => {
    if (left.length + 3 > width) lines.push(`  ${left}`, `  ${"".padEnd(width)}${description}`);
    else lines.push(`  ${left.padEnd(width)}${description}`);
    if (more !== undefined) lines.push(`  ${"".padEnd(width)}${more}`);
  };
  if (args.length > 0) {
    lines.push("", "Arguments:");
    for (const [left, description] of args) entry(left, description);
  }
  lines.push("", "Options:");
  for (const [left, description, more] of options) entry(left, description, more);
  return lines.join("\n") + "\n";
}

/**
 * A Markdown table of every setting (flag, environment variable,
 * `emcee.jsonc` key, type, default, description), for the README.
 *
 * @example
 * ```ts
 * import { settingsMarkdownTable } from "./help.ts";
 * import { SETTINGS } from "./settings.ts";
 * settingsMarkdownTable(SETTINGS).split("\n")[0];
 * // "| Flag | Environment | emcee.jsonc | Type | Default | Description |"
 * ```
 */
export function settingsMarkdownTable(schema: readonly SettingSpec[]): string {
  const rows = [
    "| Flag | Environment | emcee.jsonc | Type | Default | Description |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const spec of schema) {
    const flags = spec.short === undefined
      ? code(spec.flag)
      : `${code(spec.short)}, ${code(spec.flag)}`;
    const cells = [
      flags,
      code(spec.env),
      code(spec.key),
      typeName(spec.type),
      spec.default === "" || (Array.isArray(spec.default) && spec.default.length === 0)
        ? "none"
        : code(showDefault(spec.default)),
      spec.description,
    ];
    rows.push(`| ${cells.map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`);
  }
  return rows.join("\n") + "\n";
}

/** The widest flag column before descriptions move to their own line. */
const MAX_LEFT = 28;

function details(spec: SettingSpec): string {
  const values = spec.type.kind === "enum"
    ? `one of ${spec.type.values.join(", ")}; `
    : spec.type.kind === "list"
    ? "comma-separated or repeated; "
    : "";
  return `${values}env ${spec.env}, default ${showDefault(spec.default)}`;
}

function usage(command: CommandSpec): string {
  const parts = [command.program ?? "emcee", command.name, "[options]"];
  if (command.positionals !== undefined) {
    const { name, variadic } = command.positionals;
    parts.push(`[${name}${variadic ? "..." : ""}]`);
  }
  if (command.rest !== undefined) parts.push(`[-- ${command.rest.name}...]`);
  return parts.join(" ");
}

function flagForm(spec: SettingSpec): string {
  if (spec.type.kind === "boolean") return `${spec.flag}, --no-${spec.flag.slice(2)}`;
  return `${spec.flag} ${spec.placeholder ?? placeholder(spec.type)}`;
}

function placeholder(type: SettingType): string {
  switch (type.kind) {
    case "integer":
      return `<${type.min}-${type.max}>`;
    case "enum":
      return `<${type.values.join("|")}>`;
    case "list":
      return "<value,...>";
    default:
      return "<value>";
  }
}

function typeName(type: SettingType): string {
  switch (type.kind) {
    case "integer":
      return `integer ${type.min}–${type.max}`;
    case "enum":
      return `one of ${type.values.map(code).join(", ")}`;
    case "list":
      return "list of strings";
    default:
      return type.kind;
  }
}

function showDefault(value: SettingValue): string {
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.join(",");
  return value === "" ? '""' : String(value);
}

function code(text: string): string {
  return `\`${text}\``;
}
