/**
 * What a server author hands the skills extension: a skill as its path and
 * its files, SKILL.md among them, written in code or read from a folder by
 * {@link loadSkills}.
 *
 * @module
 */

/** One file of a skill. */
export interface SkillFile {
  /** Path inside the skill's directory, `/`-separated (`"SKILL.md"`, `"references/FORMS.md"`). */
  path: string;
  /** The content: text (served as UTF-8) or raw bytes. */
  content: string | Uint8Array;
  /** MIME type; guessed from the file name when absent. */
  mimeType?: string;
}

/**
 * A skill: its skill path and files. The final path segment is the skill's
 * name and must equal SKILL.md's frontmatter `name`; the skill is served at
 * `skill://<path>/SKILL.md`.
 *
 * @example
 * ```ts
 * import type { SkillDefinition } from "./definition.ts";
 * const skill: SkillDefinition = {
 *   path: "pdf-processing",
 *   files: [
 *     { path: "SKILL.md", content: "---\nname: pdf-processing\ndescription: Fill PDF forms\n---\nSteps.\n" },
 *     { path: "references/FORMS.md", content: "# Forms\n" },
 *   ],
 * };
 * ```
 */
export interface SkillDefinition {
  /** `/`-separated skill path; its first segment is the URI authority, its last the name. */
  path: string;
  /** Every file of the skill, SKILL.md included. */
  files: SkillFile[];
}

/** A skill the extension refuses to serve, and why. */
export class SkillError extends Error {
  /** The skill path (or folder) at fault. */
  readonly skill: string;
  /** Creates the error. */
  constructor(skill: string, message: string, options?: ErrorOptions) {
    super(`skill ${JSON.stringify(skill)}: ${message}`, options);
    this.name = "SkillError";
    this.skill = skill;
  }
}
