/**
 * The skill catalog: skill definitions checked and indexed once, when the
 * extension is created. It holds every skill's `skills/list` entry (whose
 * digests are computed once, on first use), every file by URI, and every
 * directory's direct children for `resources/directory/read`.
 *
 * @module
 */
import { contentBytes, sha256Digest } from "../../protocol/digest.ts";
import { FrontmatterError, parseFrontmatter } from "../../protocol/frontmatter.ts";
import type { Resource } from "../../protocol/mod.ts";
import {
  DIRECTORY_MIME_TYPE,
  SKILL_FILE,
  SKILL_NAME_PATTERN,
  type SkillEntry,
  type SkillFrontmatter,
} from "../../protocol/skills.ts";
import { type SkillDefinition, SkillError } from "./definition.ts";
import { skillFileMimeType, skillFileText } from "./mime.ts";

/** Per skill, as the SEP bounds it: 512 files and 16 MiB. */
const MAX_FILES = 512;
const MAX_BYTES = 16 * 1024 * 1024;

/** A served skill file. */
export interface CatalogFile {
  /** Its resource URI. */
  uri: string;
  /** Its path inside the skill. */
  path: string;
  /** Its MIME type. */
  mimeType: string;
  /** Its raw bytes. */
  bytes: Uint8Array;
  /** Its text, when served as text. */
  text?: string;
}

/** A served skill. */
export interface CatalogSkill {
  /** The URI of its SKILL.md. */
  uri: string;
  /** Its skill path. */
  path: string;
  /** SKILL.md's frontmatter. */
  frontmatter: SkillFrontmatter;
  /** Its files, SKILL.md first. */
  files: CatalogFile[];
}

/** Every skill, file and directory a skills extension serves. */
export interface SkillCatalog {
  /** The skills, in the order given. */
  readonly skills: readonly CatalogSkill[];
  /** The skill whose SKILL.md has this URI. */
  readonly byUri: ReadonlyMap<string, CatalogSkill>;
  /** Each directory's direct children, by the directory's URI. */
  readonly directories: ReadonlyMap<string, readonly Resource[]>;
  /** The `skills/list` entry of a skill, digests included. */
  entry(skill: CatalogSkill): Promise<SkillEntry>;
}

const SEGMENT = /^[A-Za-z0-9._~-]+$/;

function checkSkillPath(path: string): string[] {
  const segments = path.split("/");
  if (segments.some((segment) => !SEGMENT.test(segment) || segment === "." || segment === "..")) {
    throw new SkillError(path, "a skill path is `/`-separated segments of A-Z a-z 0-9 . _ ~ -");
  }
  const name = segments[segments.length - 1];
  if (!SKILL_NAME_PATTERN.test(name)) {
    throw new SkillError(
      path,
      `the name ${JSON.stringify(name)} breaks the Agent Skills naming rule ` +
        "(1-64 lowercase letters, digits and single hyphens, not at either end)",
    );
  }
  return segments;
}

function checkFilePath(skill: string, path: string): string {
  const segments = path.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new SkillError(skill, `file path ${JSON.stringify(path)} leaves or skips a directory`);
  }
  return segments.map(encodeURIComponent).join("/");
}

function readFrontmatter(path: string, text: string | undefined): SkillFrontmatter {
  if (text === undefined) throw new SkillError(path, `${SKILL_FILE} is not UTF-8 text`);
  let frontmatter;
  try {
    frontmatter = parseFrontmatter(text);
  } catch (error) {
    if (error instanceof FrontmatterError) {
      throw new SkillError(path, `${SKILL_FILE}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (frontmatter.name !== name) {
    throw new SkillError(
      path,
      `frontmatter name ${JSON.stringify(frontmatter.name)} is not ${name}`,
    );
  }
  if (typeof frontmatter.description !== "string" || frontmatter.description === "") {
    throw new SkillError(path, "frontmatter needs a non-empty description");
  }
  return frontmatter as SkillFrontmatter;
}

function toSkill(definition: SkillDefinition): CatalogSkill {
  const path = definition.path;
  checkSkillPath(path);
  const base = `skill://${path}`;
  const files: CatalogFile[] = [];
  let total = 0;
  for (const file of definition.files) {
    const bytes = contentBytes(file.content);
    total += bytes.byteLength;
    let mimeType = file.mimeType ?? skillFileMimeType(file.path);
    const text = typeof file.content === "string" ? file.content : skillFileText(bytes, mimeType);
    if (
      file.mimeType === undefined && mimeType === "application/octet-stream" && text !== undefined
    ) {
      mimeType = "text/plain";
    }
    files.push({
      uri: `${base}/${checkFilePath(path, file.path)}`,
      path: file.path,
      mimeType,
      bytes,
      text,
    });
  }
  const main = files.findIndex((file) => file.path === SKILL_FILE);
  if (main < 0) throw new SkillError(path, `a skill needs a ${SKILL_FILE} at its root`);
  files.unshift(...files.splice(main, 1));
  if (files.length > MAX_FILES) throw new SkillError(path, `more than ${MAX_FILES} files`);
  if (total > MAX_BYTES) throw new SkillError(path, `more than ${MAX_BYTES} bytes of files`);
  return { uri: files[0].uri, path, frontmatter: readFrontmatter(path, files[0].text), files };
}

function basename(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf("/") + 1));
}

function indexDirectories(skills: CatalogSkill[]): Map<string, Resource[]> {
  const children = new Map<string, Map<string, Resource>>();
  const directory = (uri: string) => {
    let entries = children.get(uri);
    if (!entries) children.set(uri, entries = new Map());
    return entries;
  };
  for (const skill of skills) {
    const root = `skill://${skill.path}`;
    directory(root);
    for (const file of skill.files) {
      let parent = file.uri.slice(0, file.uri.lastIndexOf("/"));
      directory(parent).set(file.uri, {
        uri: file.uri,
        name: basename(file.uri),
        mimeType: file.mimeType,
        size: file.bytes.byteLength,
      });
      while (parent !== root) {
        const above = parent.slice(0, parent.lastIndexOf("/"));
        directory(above).set(parent, {
          uri: parent,
          name: basename(parent),
          mimeType: DIRECTORY_MIME_TYPE,
        });
        parent = above;
      }
    }
  }
  // A skill nested in another's directory is a subdirectory of it.
  for (const uri of children.keys()) {
    const above = uri.slice(0, uri.lastIndexOf("/"));
    if (above.length > "skill://".length && children.has(above)) {
      directory(above).set(uri, { uri, name: basename(uri), mimeType: DIRECTORY_MIME_TYPE });
    }
  }
  const result = new Map<string, Resource[]>();
  for (const [uri, entries] of children) {
    result.set(uri, [...entries.values()].sort((a, b) => (a.uri < b.uri ? -1 : 1)));
  }
  return result;
}

/** Checks and indexes skills; throws a {@link SkillError} for the first one refused. */
export function createSkillCatalog(definitions: readonly SkillDefinition[]): SkillCatalog {
  const skills = definitions.map(toSkill);
  const byUri = new Map<string, CatalogSkill>();
  const fileUris = new Set<string>();
  for (const skill of skills) {
    for (const file of skill.files) {
      if (fileUris.has(file.uri)) throw new SkillError(skill.path, `${file.uri} is served twice`);
      fileUris.add(file.uri);
    }
    byUri.set(skill.uri, skill);
  }
  const entries = new Map<CatalogSkill, Promise<SkillEntry>>();
  return {
    skills,
    byUri,
    directories: indexDirectories(skills),
    entry(skill: CatalogSkill): Promise<SkillEntry> {
      let entry = entries.get(skill);
      if (!entry) {
        entry = Promise.all(skill.files.map(async (file) => ({
          uri: file.uri,
          digest: await sha256Digest(file.bytes),
          size: file.bytes.byteLength,
        }))).then((resources) => ({ uri: skill.uri, frontmatter: skill.frontmatter, resources }));
        entries.set(skill, entry);
      }
      return entry;
    },
  };
}
