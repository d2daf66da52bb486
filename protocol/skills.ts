/**
 * Wire types of the skills extension (`io.modelcontextprotocol/skills`,
 * SEP-2640), shared by the server that serves skills and the client that
 * lists, verifies and loads them.
 *
 * @module
 */
import type { JsonObject } from "./jsonrpc.ts";

/** The extension identifier, declared in capabilities. */
export const SKILLS_EXTENSION = "io.modelcontextprotocol/skills";

/** The file every skill has at its root. */
export const SKILL_FILE = "SKILL.md";

/** The MIME type of a directory resource in `resources/directory/read`. */
export const DIRECTORY_MIME_TYPE = "inode/directory";

/** The Agent Skills naming rule for a skill name (the final skill-path segment). */
export const SKILL_NAME_PATTERN: RegExp = /^(?!.*--)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

/** One file of a skill's manifest: its URI and the digest and size of its raw bytes. */
export interface SkillResourceEntry {
  /** The file's resource URI, inside the skill's directory. */
  uri: string;
  /** `sha256:` and 64 lowercase hex digits of the raw bytes. */
  digest: string;
  /** Length in bytes of the raw content. */
  size: number;
}

/** A skill's frontmatter: its SKILL.md YAML frontmatter as JSON (`name` and `description` always). */
export interface SkillFrontmatter extends JsonObject {
  /** The skill's name; equals the final skill-path segment. */
  name: string;
  /** What the skill does and when to use it. */
  description: string;
}

/** A `skills/list` entry (and the `skill` of `skills/get`). */
export interface SkillEntry {
  /** The URI of the skill's SKILL.md. */
  uri: string;
  /** SKILL.md's frontmatter, verbatim. */
  frontmatter: SkillFrontmatter;
  /** Every file of the skill once, SKILL.md included, or `"dynamic"` when unpublished. */
  resources: SkillResourceEntry[] | "dynamic";
}

/** The skills extension's settings, advertised inline under its identifier. */
export interface SkillsSettings extends JsonObject {
  /** The server serves `resources/directory/read` on skill directories. */
  directoryRead?: boolean;
}
