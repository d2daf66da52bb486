/**
 * The skills extension (`io.modelcontextprotocol/skills`, SEP-2640) for
 * `McpServer`: skills defined in code or read from a folder, served as
 * `skill://` resources with `skills/list`, `skills/get` and, optionally,
 * `resources/directory/read`.
 *
 * @module
 */
export { type SkillDefinition, SkillError, type SkillFile } from "./definition.ts";
export { createSkillsExtension, type SkillsExtension, type SkillsOptions } from "./extension.ts";
export { loadSkills, type LoadSkillsOptions } from "./load.ts";
export {
  DIRECTORY_MIME_TYPE,
  SKILL_FILE,
  type SkillEntry,
  type SkillFrontmatter,
  type SkillResourceEntry,
  SKILLS_EXTENSION,
  type SkillsSettings,
} from "../../protocol/skills.ts";
export { FrontmatterError, parseFrontmatter } from "../../protocol/frontmatter.ts";
export { sha256Digest } from "../../protocol/digest.ts";
