/**
 * The client side of the skills extension (`io.modelcontextprotocol/skills`,
 * SEP-2640): listing skills (`skills/list`, `skills/get`) without reading any
 * skill file, and loading a skill on demand, verifying every file read against
 * its entry's digest and size and SKILL.md's frontmatter against the entry's
 * before anything of it is used. Nothing is fetched ahead of need.
 *
 * @module
 */
import { contentBytes, sha256Digest } from "../protocol/digest.ts";
import { FrontmatterError, parseFrontmatter } from "../protocol/frontmatter.ts";
import { isObject, type JsonObject } from "../protocol/jsonrpc.ts";
import type { ReadResourceResult } from "../protocol/mod.ts";
import {
  SKILL_FILE,
  type SkillEntry,
  type SkillFrontmatter,
  type SkillResourceEntry,
} from "../protocol/skills.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ClientError } from "./errors.ts";

/** What the skill functions need from a connected client (an `McpClient` fits). */
export interface SkillsTransport {
  /** Sends a request in the connection's era. */
  request(
    method: string,
    params?: JsonObject,
    options?: { signal?: AbortSignal },
  ): Promise<JsonObject>;
  /** `resources/read`. */
  readResource(uri: string, options?: { signal?: AbortSignal }): Promise<ReadResourceResult>;
}

/** Why a skill file was refused. */
export type SkillVerificationProblem = "unlisted" | "missing" | "size" | "digest" | "frontmatter";

/** A skill file whose content does not match its entry; its content must not be used. */
export class SkillVerificationError extends Error {
  /** The file's URI. */
  readonly uri: string;
  /** What did not match. */
  readonly problem: SkillVerificationProblem;
  /** Creates the error. */
  constructor(
    uri: string,
    problem: SkillVerificationProblem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${uri}: ${message}`, options);
    this.name = "SkillVerificationError";
    this.uri = uri;
    this.problem = problem;
  }
}

/** A verified skill file. */
export interface SkillFileContent {
  /** Its URI. */
  uri: string;
  /** Its MIME type, as served. */
  mimeType?: string;
  /** Its raw bytes. */
  bytes: Uint8Array;
  /** Its text, when served as text. */
  text?: string;
}

/** A loaded skill: its entry and its verified SKILL.md. */
export interface LoadedSkill {
  /** The entry it was loaded from. */
  entry: SkillEntry;
  /** SKILL.md's frontmatter (identical to the entry's). */
  frontmatter: SkillFrontmatter;
  /** SKILL.md's full text. */
  text: string;
}

function violation(message: string): ClientError {
  return new ClientError(ErrorCode.InternalError, message);
}

/** The final skill-path segment of a SKILL.md URI. */
function skillName(uri: string): string | undefined {
  const segments = uri.slice(uri.indexOf("://") + 3).split("/").filter((part) => part !== "");
  return segments.length >= 2 && segments.at(-1) === SKILL_FILE ? segments.at(-2) : undefined;
}

/** Checks an entry's shape; a malformed one is the server's protocol violation. */
export function toSkillEntry(value: unknown): SkillEntry {
  if (!isObject(value) || typeof value.uri !== "string") {
    throw violation("a skill entry has no uri");
  }
  const uri = value.uri;
  const front = value.frontmatter;
  if (!isObject(front) || typeof front.name !== "string" || typeof front.description !== "string") {
    throw violation(`skill ${uri} has no frontmatter name and description`);
  }
  if (skillName(uri) !== front.name) {
    throw violation(`skill ${uri} does not end in /${front.name}/${SKILL_FILE}`);
  }
  const resources = value.resources;
  if (resources !== "dynamic") {
    const valid = Array.isArray(resources) &&
      resources.every((item) =>
        isObject(item) && typeof item.uri === "string" && typeof item.digest === "string" &&
        Number.isInteger(item.size) && (item.size as number) >= 0
      );
    if (!valid) throw violation(`skill ${uri} has neither a resources manifest nor "dynamic"`);
  }
  return value as unknown as SkillEntry;
}

/** Every skill the server lists, following `nextCursor` (at most `maxPages` pages). */
export async function listSkills(
  client: SkillsTransport,
  options: { signal?: AbortSignal; maxPages?: number } = {},
): Promise<SkillEntry[]> {
  const skills: SkillEntry[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 0; pages < (options.maxPages ?? 100); pages++) {
    const result = await client.request("skills/list", cursor ? { cursor } : {}, options);
    if (!Array.isArray(result.skills)) throw violation("skills/list returned no skills array");
    skills.push(...result.skills.map(toSkillEntry));
    if (typeof result.nextCursor !== "string" || result.nextCursor === "") return skills;
    if (seen.has(result.nextCursor)) throw violation("skills/list repeated a cursor");
    seen.add(cursor = result.nextCursor);
  }
  throw violation(`skills/list did not end within ${options.maxPages ?? 100} pages`);
}

/** `skills/get`: one skill's entry, by its SKILL.md URI. */
export async function getSkill(
  client: SkillsTransport,
  uri: string,
  options: { signal?: AbortSignal } = {},
): Promise<SkillEntry> {
  const result = await client.request("skills/get", { uri }, options);
  return toSkillEntry(result.skill);
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/**
 * Reads one file of a skill and verifies it against the entry's manifest:
 * size first, then digest. A file the manifest does not list is refused; with
 * `"dynamic"` resources there is nothing to verify against, so the file must
 * lie in the skill's directory and is returned as read.
 */
export async function readSkillFile(
  client: SkillsTransport,
  entry: SkillEntry,
  uri: string,
  options: { signal?: AbortSignal } = {},
): Promise<SkillFileContent> {
  let listed: SkillResourceEntry | undefined;
  if (entry.resources === "dynamic") {
    const directory = entry.uri.slice(0, entry.uri.length - SKILL_FILE.length);
    if (uri !== entry.uri && !uri.startsWith(directory)) {
      throw new SkillVerificationError(uri, "unlisted", `is outside the skill ${entry.uri}`);
    }
  } else {
    listed = entry.resources.find((resource) => resource.uri === uri);
    if (!listed) {
      throw new SkillVerificationError(uri, "unlisted", "is not in the skill's manifest");
    }
  }
  const result = await client.readResource(uri, options);
  const contents = (result.contents ?? []).find((item) => item.uri === uri) ?? result.contents?.[0];
  if (!contents) throw new SkillVerificationError(uri, "missing", "was read with no contents");
  const text = "text" in contents && typeof contents.text === "string" ? contents.text : undefined;
  const bytes = text !== undefined
    ? contentBytes(text)
    : "blob" in contents && typeof contents.blob === "string"
    ? decodeBase64(contents.blob)
    : undefined;
  if (!bytes) throw new SkillVerificationError(uri, "missing", "was read with no text or blob");
  if (listed) {
    // A size mismatch fails on its own; the digest is only worth computing when sizes agree.
    if (bytes.byteLength !== listed.size) {
      throw new SkillVerificationError(
        uri,
        "size",
        `is ${bytes.byteLength} bytes, the manifest says ${listed.size}`,
      );
    }
    const digest = await sha256Digest(bytes);
    if (digest !== listed.digest) {
      throw new SkillVerificationError(uri, "digest", `digest ${digest} is not ${listed.digest}`);
    }
  }
  return { uri, mimeType: contents.mimeType, bytes, text };
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, index) => sameJson(item, b[index]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => sameJson(a[key] ?? null, b[key] ?? null));
}

/**
 * Loads a skill: reads its SKILL.md, verifies it (size, digest), parses its
 * frontmatter and compares it field by field with the entry's. Any mismatch
 * throws a {@link SkillVerificationError} and nothing of the skill is used.
 * Supporting files are not read; ask for them with {@link readSkillFile}.
 */
export async function loadSkill(
  client: SkillsTransport,
  entry: SkillEntry,
  options: { signal?: AbortSignal } = {},
): Promise<LoadedSkill> {
  const file = await readSkillFile(client, entry, entry.uri, options);
  if (file.text === undefined) {
    throw new SkillVerificationError(entry.uri, "missing", `${SKILL_FILE} is not text`);
  }
  let frontmatter;
  try {
    frontmatter = parseFrontmatter(file.text);
  } catch (error) {
    if (!(error instanceof FrontmatterError)) throw error;
    throw new SkillVerificationError(entry.uri, "frontmatter", error.message, { cause: error });
  }
  for (const key of new Set([...Object.keys(frontmatter), ...Object.keys(entry.frontmatter)])) {
    if (!sameJson(frontmatter[key] ?? null, entry.frontmatter[key] ?? null)) {
      throw new SkillVerificationError(
        entry.uri,
        "frontmatter",
        `frontmatter ${key} differs from the entry's`,
      );
    }
  }
  return { entry, frontmatter: frontmatter as SkillFrontmatter, text: file.text };
}
