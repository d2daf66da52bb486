/**
 * The loader behind `emcee serve`: finds tool files in folders, imports them,
 * collects the tools, resources, resource templates and prompts they export,
 * and registers them on an `McpServer`, turning every failure into a
 * {@link ToolProblem} that names the file (and the line, where the runtime
 * tells it) instead of an exception.
 *
 * What counts as a definition, for each export (the default one, every named
 * one, and each element of an exported array):
 * - tagged by a `cli/define.ts` helper (`tool()`, `resource()` …): its tag;
 * - else a plain object with `uriTemplate`: a resource template; with `uri`
 *   and `read`: a resource; with `name` and `get`: a prompt; with `name` and
 *   `handler`: a tool;
 * - else a plain object with a string `name` or `uri` and one of `input`,
 *   `output`, `arguments` or `annotations` looks like an unfinished definition
 *   and is reported as a problem;
 * - anything else (helpers, constants) is ignored, but a file that exports no
 *   definition at all is a problem.
 *
 * Each file is imported once per process: `emcee serve` reloads by starting a
 * new process, so there is no cache busting here.
 *
 * @example
 * ```ts
 * import { loadToolFiles, registerLoaded } from "./tool_files.ts";
 * import { McpServer } from "../server/server.ts";
 * const loaded = await loadToolFiles(["tools"]);
 * const server = new McpServer({ name: "tools", version: "1.0.0" });
 * const problems = [...loaded.problems, ...registerLoaded(server, loaded)];
 * for (const problem of problems) console.error(problem.file, problem.line, problem.message);
 * ```
 *
 * @module
 */
import {
  baseName,
  fileInfo,
  fromFileUrl,
  isEmbeddedScript,
  joinPath,
  listFilesRecursive,
  resolvePath,
  toFileUrl,
} from "../runtime/mod.ts";
import { RegistrationError } from "../server/registration_error.ts";
import type { McpServer } from "../server/server.ts";
import type {
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "../server/definitions.ts";
import {
  type DefinitionKind,
  type LiveRegistry,
  registry,
  setRegistry,
  taggedKind,
} from "./define.ts";
import { importProblem } from "./import_problem.ts";
import { BUNDLED_EXAMPLES } from "./bundled_examples.ts";

/** Something wrong with one tool file, located as precisely as the runtime allows. */
export interface ToolProblem {
  /** The file's absolute path. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** What is wrong, for a person. */
  message: string;
}

/** One definition found in a tool file. */
export interface LoadedDefinition {
  /** What it is. */
  kind: DefinitionKind;
  /** The definition object as exported. */
  definition: object;
  /** The file that exported it. */
  file: string;
  /** The export it came from: `default`, a name, or `name[2]` for an array element. */
  exportName: string;
}

/** What {@link loadToolFiles} found. */
export interface LoadedTools {
  /** Every tool file, absolute and sorted. */
  files: string[];
  /** The definitions, in file order, then export order. */
  definitions: LoadedDefinition[];
  /** Missing folders, files that failed to import or export nothing usable. */
  problems: ToolProblem[];
}

const EXTENSIONS = [".ts", ".js", ".mjs"];
const EXCLUDED = /(\.test\.[^.]+|\.d\.ts)$/;

/**
 * Every `.ts`, `.js` and `.mjs` file below `dirs`, absolute and sorted, except
 * tests (`*.test.*`), declaration files and anything in `node_modules` or a
 * dot-folder. A folder that does not exist contributes nothing.
 *
 * @example
 * ```ts
 * import { findToolFiles } from "./tool_files.ts";
 * console.log(await findToolFiles(["tools"]));
 * ```
 */
export async function findToolFiles(dirs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of dirs) {
    const absolute = resolvePath(dir);
    if ((await fileInfo(absolute))?.isDirectory !== true) continue;
    for (const file of await listFilesRecursive(absolute, { extensions: EXTENSIONS })) {
      if (!EXCLUDED.test(baseName(file))) found.add(file);
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const INCOMPLETE_HINTS = ["input", "output", "arguments", "annotations"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The kind of a definition, `"incomplete"` for an unfinished one, or `undefined`. */
function classify(value: unknown): DefinitionKind | "incomplete" | undefined {
  const tagged = taggedKind(value);
  if (tagged !== undefined) return tagged;
  if (!isPlainObject(value)) return undefined;
  if ("uriTemplate" in value) return "resourceTemplate";
  if ("uri" in value && "read" in value) return "resource";
  if ("name" in value && "get" in value) return "prompt";
  if ("name" in value && "handler" in value) return "tool";
  const keyed = typeof value.name === "string" || typeof value.uri === "string";
  return keyed && INCOMPLETE_HINTS.some((hint) => hint in value) ? "incomplete" : undefined;
}

function incompleteMessage(exportName: string, value: Record<string, unknown>): string {
  const label = typeof value.name === "string" ? `"${value.name}"` : `"${String(value.uri)}"`;
  if (typeof value.uri === "string") {
    return `export ${exportName} (${label}) looks like a resource but has no read function`;
  }
  if ("arguments" in value) {
    return `export ${exportName} (${label}) looks like a prompt but has no get function`;
  }
  return `export ${exportName} (${label}) looks like a tool but has no handler`;
}

/** Collects one module's definitions, or the problems of its exports. */
function collect(
  file: string,
  namespace: Record<string, unknown>,
  definitions: LoadedDefinition[],
  problems: ToolProblem[],
): void {
  const seen = new Set<unknown>(); // `export default x` and `export { x }` are one definition.
  let count = 0;
  let incomplete = 0;
  const consider = (exportName: string, value: unknown): void => {
    if (seen.has(value)) return;
    const kind = classify(value);
    if (kind === undefined) return;
    seen.add(value);
    if (kind === "incomplete") {
      incomplete++;
      const message = incompleteMessage(exportName, value as Record<string, unknown>);
      problems.push({ file, message });
      return;
    }
    count++;
    definitions.push({ kind, definition: value as object, file, exportName });
  };
  const names = Object.keys(namespace).sort((a, b) =>
    a === "default" ? -1 : b === "default" ? 1 : 0
  );
  for (const name of names) {
    const value = namespace[name];
    if (Array.isArray(value)) value.forEach((item, i) => consider(`${name}[${i}]`, item));
    else consider(name, value);
  }
  if (count === 0 && incomplete === 0) {
    problems.push({ file, message: "exports no tool, resource, resource template or prompt" });
  }
}

/**
 * Imports every tool file below `dirs` and collects its definitions. Never
 * throws for a broken file: a missing folder, an import that fails (with its
 * line and column where the runtime reports them) and a file with nothing to
 * serve are {@link ToolProblem}s.
 *
 * @example
 * ```ts
 * import { loadToolFiles } from "./tool_files.ts";
 * const { definitions, problems } = await loadToolFiles(["tools"]);
 * console.log(definitions.map((d) => `${d.kind} from ${d.file}`), problems);
 * ```
 */
export async function loadToolFiles(dirs: readonly string[]): Promise<LoadedTools> {
  const examples = bundledToolsDirectory();
  if (dirs.length === 1 && resolvePath(dirs[0]) === examples && isEmbeddedScript(examples)) {
    return await loadEmbeddedExamples(examples);
  }
  const problems: ToolProblem[] = [];
  for (const dir of dirs) {
    const absolute = resolvePath(dir);
    const info = await fileInfo(absolute);
    if (info === undefined) problems.push({ file: absolute, message: "folder does not exist" });
    else if (!info.isDirectory) problems.push({ file: absolute, message: "is not a folder" });
  }
  const files = await findToolFiles(dirs);
  const definitions: LoadedDefinition[] = [];
  for (const file of files) {
    const url = toFileUrl(file);
    let namespace: Record<string, unknown>;
    try {
      namespace = await import(url);
    } catch (error) {
      problems.push(importProblem(file, url, error));
      continue;
    }
    collect(file, namespace, definitions, problems);
  }
  return { files, definitions, problems };
}

/** The bundled examples inside a compiled executable, which has them as modules only. */
async function loadEmbeddedExamples(dir: string): Promise<LoadedTools> {
  const files: string[] = [];
  const definitions: LoadedDefinition[] = [];
  const problems: ToolProblem[] = [];
  for (const [name, load] of Object.entries(BUNDLED_EXAMPLES)) {
    const file = joinPath(dir, name);
    files.push(file);
    collect(file, await load(), definitions, problems);
  }
  return { files, definitions, problems };
}

/** The key a definition is registered under: name, URI or URI template. */
function keyOf(loaded: LoadedDefinition): string {
  const definition = loaded.definition as Record<string, unknown>;
  const key = loaded.kind === "resource"
    ? definition.uri
    : loaded.kind === "resourceTemplate"
    ? definition.uriTemplate
    : definition.name;
  return String(key);
}

const NOUN: { readonly [kind in DefinitionKind]: string } = {
  tool: "tool",
  resource: "resource",
  resourceTemplate: "resource template",
  prompt: "prompt",
};

const REGISTRY_FIELD: { readonly [kind in DefinitionKind]: keyof LiveRegistry } = {
  tool: "tools",
  resource: "resources",
  resourceTemplate: "resourceTemplates",
  prompt: "prompts",
};

/** The tool with a handler whose context also carries the live registry. */
function withRegistry(definition: ToolDefinition): ToolDefinition {
  const handler = definition.handler;
  return {
    ...definition,
    // The context's own fields stay reachable through the prototype; nothing is copied.
    handler: (args, context) =>
      handler.call(definition, args, Object.create(context, { registry: { get: registry } })),
  };
}

function register(server: McpServer, loaded: LoadedDefinition): void {
  const definition = loaded.definition;
  if (loaded.kind === "tool") server.tool(withRegistry(definition as ToolDefinition));
  else if (loaded.kind === "resource") server.resource(definition as ResourceDefinition);
  else if (loaded.kind === "resourceTemplate") {
    server.resourceTemplate(definition as ResourceTemplateDefinition);
  } else server.prompt(definition as PromptDefinition);
}

/**
 * Registers what {@link loadToolFiles} found on `server` and returns the
 * problems: a definition `McpServer` refuses (its `RegistrationError`
 * message), and a name or URI defined twice, which names both files (the
 * first, in file order, wins). Then publishes what was registered through
 * `registry()` of `cli/define.ts`.
 *
 * @example
 * ```ts
 * import { loadToolFiles, registerLoaded } from "./tool_files.ts";
 * import { McpServer } from "../server/server.ts";
 * const server = new McpServer({ name: "tools", version: "1.0.0" });
 * const problems = registerLoaded(server, await loadToolFiles(["tools"]));
 * ```
 */
export function registerLoaded(server: McpServer, loaded: LoadedTools): ToolProblem[] {
  const problems: ToolProblem[] = [];
  const owners = new Map<string, string>();
  const live: LiveRegistry = { tools: [], resources: [], resourceTemplates: [], prompts: [] };
  for (const item of loaded.definitions) {
    const key = keyOf(item);
    const owner = owners.get(`${item.kind} ${key}`);
    if (owner !== undefined) {
      const where = owner === item.file
        ? `twice in ${item.file}`
        : `in ${owner} and again in ${item.file}`;
      problems.push({
        file: item.file,
        message: `${NOUN[item.kind]} "${key}" is defined ${where}`,
      });
      continue;
    }
    try {
      register(server, item);
    } catch (error) {
      // A RegistrationError says what is wrong; anything else is a definition too odd to check.
      const reason = error instanceof RegistrationError
        ? error.message
        : `could not be registered: ${error instanceof Error ? error.message : String(error)}`;
      problems.push({ file: item.file, message: `export ${item.exportName}: ${reason}` });
      continue;
    }
    owners.set(`${item.kind} ${key}`, item.file);
    live[REGISTRY_FIELD[item.kind]].push(key);
  }
  setRegistry(live);
  return problems;
}

/**
 * The folder of the example tool set `emcee serve` serves when given no
 * folder (`cli/examples/`), as a path.
 *
 * @example
 * ```ts
 * import { bundledToolsDirectory, loadToolFiles } from "./tool_files.ts";
 * const examples = await loadToolFiles([bundledToolsDirectory()]);
 * ```
 */
export function bundledToolsDirectory(): string {
  return fromFileUrl(new URL("./examples", import.meta.url));
}
