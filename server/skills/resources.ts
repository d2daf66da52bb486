/**
 * Skill files as the server's resources: what `resources/list` shows of each
 * (a SKILL.md takes its name and description from its frontmatter) and what
 * `resources/read` returns.
 *
 * @module
 */
import { SKILL_FILE } from "../../protocol/skills.ts";
import { encodeBase64 } from "../base64.ts";
import type { ResourceDefinition } from "../definitions.ts";
import type { CatalogFile, CatalogSkill, SkillCatalog } from "./catalog.ts";

function definition(skill: CatalogSkill, file: CatalogFile): ResourceDefinition {
  const main = file.path === SKILL_FILE;
  const contents = file.text === undefined
    ? { uri: file.uri, mimeType: file.mimeType, blob: encodeBase64(file.bytes) }
    : { uri: file.uri, mimeType: file.mimeType, text: file.text };
  const resource: ResourceDefinition = {
    uri: file.uri,
    name: main ? skill.frontmatter.name : `${skill.frontmatter.name}/${file.path}`,
    mimeType: file.mimeType,
    size: file.bytes.byteLength,
    read: () => [contents],
  };
  if (main) resource.description = skill.frontmatter.description;
  return resource;
}

/** The resource definitions that serve every file of the catalog's skills. */
export function skillResources(catalog: SkillCatalog): ResourceDefinition[] {
  return catalog.skills.flatMap((skill) => skill.files.map((file) => definition(skill, file)));
}
