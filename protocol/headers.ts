/**
 * The HTTP request metadata headers of 2026-07-28 (`Mcp-Method`, `Mcp-Name`,
 * `Mcp-Param-*`): value encoding with the Base64 sentinel, and the rules for
 * `x-mcp-header` annotations. Used by the server to validate and by the client
 * to send.
 *
 * @module
 */
import type { JsonObject } from "./jsonrpc.ts";

/**
 * Methods whose `Mcp-Name` header mirrors a body field: tools, prompts and
 * resources (SEP-2243), and the routing headers of the tasks extension (SEP-2663).
 */
export const MCP_NAME_FIELD: { readonly [method: string]: string } = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "tasks/get": "taskId",
  "tasks/update": "taskId",
  "tasks/cancel": "taskId",
};

/** The body field a method's `Mcp-Name` header mirrors, if it has one. */
export function mcpNameField(method: string): string | undefined {
  return Object.hasOwn(MCP_NAME_FIELD, method) ? MCP_NAME_FIELD[method] : undefined;
}

const SENTINEL_PREFIX = "=?base64?";
const SENTINEL_SUFFIX = "?=";
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SAFE_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/**
 * Encodes a header value: plain when it is visible ASCII without leading or
 * trailing space and does not look like the sentinel, else `=?base64?…?=`.
 *
 * @example
 * ```ts
 * import { encodeHeaderValue } from "./headers.ts";
 * encodeHeaderValue("Hello, 世界"); // "=?base64?SGVsbG8sIOS4lueVjA==?="
 * ```
 */
export function encodeHeaderValue(value: string): string {
  const looksEncoded = value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX);
  if (value !== "" && SAFE_VALUE.test(value) && !looksEncoded) return value;
  if (value === "") return `${SENTINEL_PREFIX}${SENTINEL_SUFFIX}`;
  return `${SENTINEL_PREFIX}${utf8ToBase64(value)}${SENTINEL_SUFFIX}`;
}

/**
 * Decodes a header value, undoing the Base64 sentinel. Returns `undefined`
 * when the value is malformed (invalid characters or bad Base64).
 */
export function decodeHeaderValue(raw: string): string | undefined {
  const value = raw.trim();
  if (value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX)) {
    const encoded = value.slice(SENTINEL_PREFIX.length, value.length - SENTINEL_SUFFIX.length);
    // Strict Base64: atob forgives missing padding, the spec's test table does not.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
    try {
      const binary = atob(encoded);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      // ignoreBOM: a value may begin with U+FEFF, which the default decoder would drop.
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  if (!/^[\x20-\x7e\t]*$/.test(value)) return undefined;
  return value;
}

/** One `x-mcp-header` annotation: where the value lives and its header name. */
export interface HeaderParameter {
  /** The `properties` chain from the schema root to the annotated property. */
  path: string[];
  /** The header name suffix (`Mcp-Param-{name}`). */
  name: string;
  /** The declared JSON type of the property. */
  type: "string" | "integer" | "boolean";
}

/**
 * Collects the `x-mcp-header` annotations of a tool's input schema, or returns
 * the reason the marking is invalid (the tool must then be rejected).
 */
export function headerParameters(inputSchema: JsonObject): HeaderParameter[] | { invalid: string } {
  const found: HeaderParameter[] = [];
  const seen = new Set<string>();
  let problem: string | undefined;

  const visit = (schema: unknown, path: string[], reachable: boolean): void => {
    if (problem || typeof schema !== "object" || schema === null) return;
    if (Array.isArray(schema)) {
      for (const item of schema) visit(item, path, false);
      return;
    }
    const node = schema as JsonObject;
    if ("x-mcp-header" in node) {
      const name = node["x-mcp-header"];
      const type = node.type;
      if (!reachable || path.length === 0) {
        problem = `x-mcp-header at ${path.join(".") || "the root"} is not statically reachable`;
      } else if (typeof name !== "string" || name === "" || !TOKEN.test(name)) {
        problem = `x-mcp-header "${String(name)}" is not a valid header token`;
      } else if (seen.has(name.toLowerCase())) {
        problem = `x-mcp-header "${name}" is used twice`;
      } else if (type !== "string" && type !== "integer" && type !== "boolean") {
        problem = `x-mcp-header "${name}" is on a property of type ${JSON.stringify(type)}`;
      } else {
        seen.add(name.toLowerCase());
        found.push({ path, name, type });
      }
      if (problem) return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (
        key === "properties" && typeof child === "object" && child !== null && !Array.isArray(child)
      ) {
        for (const [prop, sub] of Object.entries(child as JsonObject)) {
          visit(sub, [...path, prop], reachable);
        }
      } else if (
        key !== "x-mcp-header" && key !== "const" && key !== "enum" && key !== "default" &&
        key !== "examples"
      ) {
        visit(child, path, false);
      }
    }
  };
  visit(inputSchema, [], true);
  return problem ? { invalid: problem } : found;
}

/** Reads the value at a `properties` path of the arguments. */
export function valueAtPath(args: unknown, path: readonly string[]): unknown {
  let current: unknown = args;
  for (const key of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as JsonObject)[key];
  }
  return current;
}

/** The header text of a parameter value, or `undefined` when it is absent or null. */
export function parameterHeaderText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : undefined;
  if (typeof value === "string") return value;
  return undefined;
}
