/**
 * Skills read from a folder: every directory below it that holds a SKILL.md
 * is a skill, its path relative to the folder the skill path, and every file
 * below it (down to the next nested skill) one of its files.
 *
 * @module
 */
import { listFilesRecursive, readBinaryFile } from "../../runtime/files.ts";
import { resolvePath } from "../../runtime/path.ts";
import { SKILL_FILE } from "../../protocol/skills.ts";
import { type SkillDefinition, SkillError } from "./definition.ts";

/** Options of {@link loadSkills}. */
export interface LoadSkillsOptions {
  /** Prefix of every skill path (e.g. `"acme"` serves `skill://acme/<dir>/SKILL.md`). */
  prefix?: string;
}

function relative(root: string, path: string): string {
  return path.slice(root.length).replace(/\\/g, "/").replace(/^\/+/, "");
}

/**
 * Reads the skills below `directory`. Each skill's folder name must be its
 * frontmatter `name`; the extension checks that when it is created. Hidden
 * files and folders and `node_modules` are skipped.
 *
 * @example
 * ```ts ignore
 * import { loadSkills } from "./load.ts";
 * import { McpServer } from "../server.ts";
 * const server = new McpServer({ name: "docs", version: "1.0.0" }, {
 *   skills: { skills: await loadSkills("./skills"), directoryRead: true },
 * });
 * ```
 */
export async function loadSkills(
  directory: string,
  options: LoadSkillsOptions = {},
): Promise<SkillDefinition[]> {
  const root = resolvePath(directory);
  const paths = (await listFilesRecursive(root)).map((path) => relative(root, path));
  const roots = paths
    .filter((path) => path === SKILL_FILE || path.endsWith(`/${SKILL_FILE}`))
    .map((path) => path.slice(0, Math.max(0, path.length - SKILL_FILE.length - 1)));
  if (roots.includes("")) {
    throw new SkillError(directory, `${SKILL_FILE} at the top: put each skill in its own folder`);
  }
  // The deepest skill folder holding a file owns it, so nested skills keep their own files.
  const owner = (path: string) =>
    roots.filter((skill) => path.startsWith(`${skill}/`)).sort((a, b) => b.length - a.length)[0];
  const skills = new Map<string, SkillDefinition>();
  for (const skill of roots) {
    const path = options.prefix ? `${options.prefix}/${skill}` : skill;
    skills.set(skill, { path, files: [] });
  }
  for (const path of paths) {
    const skill = owner(path);
    if (skill === undefined) continue;
    const content = await readBinaryFile(resolvePath(root, path));
    skills.get(skill)!.files.push({ path: path.slice(skill.length + 1), content });
  }
  return [...skills.values()];
}
