/**
 * The skills extension (`io.modelcontextprotocol/skills`, SEP-2640): a server
 * publishes Agent Skills (a SKILL.md with YAML frontmatter plus supporting
 * files) as `skill://` resources, lists them with `skills/list`, answers
 * `skills/get` for one, and, with `directoryRead`, lists a skill directory's
 * direct children with `resources/directory/read`. Every listed entry carries
 * the sha256 digest and byte size of each file, so a client verifies what it
 * reads.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { CacheHints, JsonObject } from "../../protocol/mod.ts";
import { SKILLS_EXTENSION, type SkillsSettings } from "../../protocol/skills.ts";
import type { ResourceDefinition } from "../definitions.ts";
import type { ExtensionRequest, ServerExtension } from "../extension.ts";
import { createSkillCatalog, type SkillCatalog } from "./catalog.ts";
import type { SkillDefinition } from "./definition.ts";
import { skillResources } from "./resources.ts";

/** Options of {@link createSkillsExtension} (and the `skills` server option). */
export interface SkillsOptions {
  /** The skills served, in `skills/list` order. */
  skills: readonly SkillDefinition[];
  /** Serve (and declare) `resources/directory/read` on skill directories. Default false. */
  directoryRead?: boolean;
  /** Entries per `skills/list` page (and children per directory page). Default 100. */
  pageSize?: number;
  /** Cache hints on `skills/list` and `skills/get`. Default `{ ttlMs: 0, cacheScope: "public" }`. */
  cache?: CacheHints;
}

/** The skills extension, with the resources that serve its skills' files. */
export interface SkillsExtension extends ServerExtension {
  /** Resources to register on the server (the `skills` server option does it). */
  readonly resources: readonly ResourceDefinition[];
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

function requireUri(request: ExtensionRequest): string {
  const uri = request.params.uri;
  if (typeof uri !== "string") throw invalidParams(`${request.method} needs a uri string`);
  return uri;
}

/** One page of `items` from an offset cursor, with the next cursor when more remain. */
function page<T>(items: readonly T[], cursor: unknown, size: number) {
  let start = 0;
  if (cursor !== undefined) {
    if (typeof cursor !== "string" || !/^[0-9]+$/.test(cursor) || Number(cursor) > items.length) {
      throw invalidParams(`Invalid cursor: ${JSON.stringify(cursor)}`);
    }
    start = Number(cursor);
  }
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

function methods(catalog: SkillCatalog, options: SkillsOptions) {
  const size = Math.max(1, options.pageSize ?? 100);
  const cache = options.cache ?? { ttlMs: 0, cacheScope: "public" };
  const served: ServerExtension["methods"] = {
    "skills/list": async (request) => {
      const { items, next } = page(catalog.skills, request.params.cursor, size);
      const result: JsonObject = {
        skills: await Promise.all(items.map((skill) => catalog.entry(skill))),
        ...cache,
      };
      if (next !== undefined) result.nextCursor = next;
      return result;
    },
    "skills/get": async (request) => {
      const uri = requireUri(request);
      const skill = catalog.byUri.get(uri);
      if (!skill) throw invalidParams(`Unknown skill: ${uri}`);
      return { skill: await catalog.entry(skill), ...cache };
    },
  };
  if (options.directoryRead) {
    served["resources/directory/read"] = (request) => {
      const uri = requireUri(request);
      const children = catalog.directories.get(uri);
      if (!children) throw invalidParams(`Not a skill directory: ${uri}`);
      const { items, next } = page(children, request.params.cursor, size);
      const result: JsonObject = { resources: items };
      if (next !== undefined) result.nextCursor = next;
      return Promise.resolve(result);
    };
  }
  return served;
}

/**
 * Creates the skills extension. Skills are checked now: a missing SKILL.md, a
 * frontmatter `name` other than the path's last segment, a bad name or a skill
 * over 512 files or 16 MiB throws a `SkillError`. Most servers pass the
 * options as the `skills` server option, which also registers the files as
 * resources; with `extensions: [...]`, register `extension.resources` yourself.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server.ts";
 * const server = new McpServer({ name: "docs", version: "1.0.0" }, {
 *   skills: {
 *     directoryRead: true,
 *     skills: [{
 *       path: "release-notes",
 *       files: [{
 *         path: "SKILL.md",
 *         content: "---\nname: release-notes\ndescription: Write release notes\n---\nSteps.\n",
 *       }],
 *     }],
 *   },
 * });
 * ```
 */
export function createSkillsExtension(options: SkillsOptions): SkillsExtension {
  const catalog = createSkillCatalog(options.skills);
  const settings: SkillsSettings = options.directoryRead ? { directoryRead: true } : {};
  return {
    id: SKILLS_EXTENSION,
    settings,
    legacy: true,
    methods: methods(catalog, options),
    resources: skillResources(catalog),
  };
}
