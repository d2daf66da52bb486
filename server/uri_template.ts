/**
 * RFC 6570 URI Templates, levels 1–4: expansion, plus the inverse (matching a concrete URI back to
 * variables) that MCP resource templates need.
 *
 * @module
 */

import { compileUriMatcher, type MatchPart } from "./uri_template_match.ts";

/** A value a template variable can take: a string, a list, or an associative array. */
export type UriTemplateValue = string | string[] | Record<string, string>;

/** Variables for {@linkcode UriTemplate.expand}; `undefined` means "not defined" (RFC 6570 §2.3). */
export type UriTemplateVariables = Record<string, UriTemplateValue | undefined>;

/** Variables recovered by {@linkcode UriTemplate.match}: exploded variables come back as lists. */
export type UriTemplateMatch = Record<string, string | string[]>;

/** A parsed URI template. Parse once with {@linkcode parseUriTemplate}, then reuse. */
export interface UriTemplate {
  /** The template text as given. */
  readonly template: string;
  /** Every variable name in order of first appearance, without duplicates. */
  readonly variableNames: readonly string[];
  /** Expands the template as RFC 6570 §3 specifies. */
  expand(variables: UriTemplateVariables): string;
  /**
   * Returns the variables that make this template produce `uri`, or `null` if it cannot.
   * Values are percent-decoded. Query (`?`, `&`) and path-parameter (`;`) variables may appear
   * in any order and are optional; unknown parameters are ignored. A value of any operator but
   * `+` and `#` holds no raw reserved character its expansion would have percent-encoded (so in
   * `{a}{;b}` a `;` ends `a`). Time is linear in the length of `uri`; where a URI can be read
   * more than one way, earlier variables take as much as they can (`+` and `#` as little).
   */
  match(uri: string): UriTemplateMatch | null;
}

type Operator = "" | "+" | "#" | "." | "/" | ";" | "?" | "&";

interface OperatorRules {
  first: string;
  separator: string;
  named: boolean;
  ifEmpty: string;
  allowReserved: boolean;
}

// RFC 6570 Appendix A, one row per operator.
const OPERATOR_RULES: Readonly<Record<Operator, OperatorRules>> = {
  "": { first: "", separator: ",", named: false, ifEmpty: "", allowReserved: false },
  "+": { first: "", separator: ",", named: false, ifEmpty: "", allowReserved: true },
  "#": { first: "#", separator: ",", named: false, ifEmpty: "", allowReserved: true },
  ".": { first: ".", separator: ".", named: false, ifEmpty: "", allowReserved: false },
  "/": { first: "/", separator: "/", named: false, ifEmpty: "", allowReserved: false },
  ";": { first: ";", separator: ";", named: true, ifEmpty: "", allowReserved: false },
  "?": { first: "?", separator: "&", named: true, ifEmpty: "=", allowReserved: false },
  "&": { first: "&", separator: "&", named: true, ifEmpty: "=", allowReserved: false },
};

interface VariableSpec {
  name: string;
  explode: boolean;
  maxLength?: number;
}

interface Expression {
  operator: Operator;
  variables: VariableSpec[];
}

type TemplatePart = string | Expression;

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;
const PCT_TRIPLET = /^%[0-9A-Fa-f]{2}/;
const VARIABLE_NAME = /^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+(?:\.(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+)*$/;
const utf8 = new TextEncoder();

function percentEncodeCharacter(character: string): string {
  let encoded = "";
  for (const byte of utf8.encode(character)) {
    encoded += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return encoded;
}

/** Encodes per §3.2.1: unreserved always passes; reserved and existing %XX pass only for + and #. */
function encodeValue(value: string, allowReserved: boolean): string {
  let encoded = "";
  let index = 0;
  while (index < value.length) {
    const character = String.fromCodePoint(value.codePointAt(index) ?? 0);
    if (UNRESERVED.test(character)) {
      encoded += character;
    } else if (allowReserved && RESERVED.test(character)) {
      encoded += character;
    } else if (allowReserved && PCT_TRIPLET.test(value.slice(index, index + 3))) {
      encoded += value.slice(index, index + 3);
      index += 3;
      continue;
    } else {
      encoded += percentEncodeCharacter(character);
    }
    index += character.length;
  }
  return encoded;
}

/** Prefix length counts Unicode characters, not UTF-16 units or octets (§2.4.1). */
function takePrefix(value: string, maxLength: number | undefined): string {
  if (maxLength === undefined) return value;
  return Array.from(value).slice(0, maxLength).join("");
}

function parseVariableSpec(text: string, template: string): VariableSpec {
  const explode = text.endsWith("*");
  const body = explode ? text.slice(0, -1) : text;
  const colon = body.indexOf(":");
  const name = colon === -1 ? body : body.slice(0, colon);
  if (!VARIABLE_NAME.test(name)) {
    throw new SyntaxError(`Invalid variable name "${name}" in URI template "${template}"`);
  }
  if (colon === -1) return { name, explode };
  const prefix = body.slice(colon + 1);
  if (explode || !/^[1-9][0-9]{0,3}$/.test(prefix)) {
    throw new SyntaxError(`Invalid prefix modifier "${text}" in URI template "${template}"`);
  }
  return { name, explode, maxLength: Number(prefix) };
}

function parseExpression(body: string, template: string): Expression {
  if (body === "") throw new SyntaxError(`Empty expression in URI template "${template}"`);
  if ("=,!@|".includes(body[0])) {
    throw new SyntaxError(`Reserved operator "${body[0]}" in URI template "${template}"`);
  }
  const operator = ("+#./;?&".includes(body[0]) ? body[0] : "") as Operator;
  const list = operator === "" ? body : body.slice(1);
  return {
    operator,
    variables: list.split(",").map((spec) => parseVariableSpec(spec, template)),
  };
}

function parseParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf("{", position);
    if (open === -1) {
      parts.push(template.slice(position));
      break;
    }
    if (open > position) parts.push(template.slice(position, open));
    const close = template.indexOf("}", open + 1);
    const nextOpen = template.indexOf("{", open + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      throw new SyntaxError(`Unclosed expression at ${open} in URI template "${template}"`);
    }
    parts.push(parseExpression(template.slice(open + 1, close), template));
    position = close + 1;
  }
  return parts;
}

function isDefined(value: UriTemplateValue | undefined): value is UriTemplateValue {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function expandVariable(
  spec: VariableSpec,
  value: UriTemplateValue,
  rules: OperatorRules,
): string {
  const encode = (text: string): string => encodeValue(text, rules.allowReserved);
  if (typeof value === "string") {
    const encoded = encode(takePrefix(value, spec.maxLength));
    if (!rules.named) return encoded;
    return value === "" ? spec.name + rules.ifEmpty : `${spec.name}=${encoded}`;
  }
  const pairs: [string, string][] = Array.isArray(value)
    ? value.map((item) => [spec.name, item])
    : Object.entries(value);
  if (!spec.explode) {
    const flat = Array.isArray(value)
      ? value.map(encode)
      : pairs.flatMap(([key, item]) => [encode(key), encode(item)]);
    return (rules.named ? `${spec.name}=` : "") + flat.join(",");
  }
  const exploded = pairs.map(([key, item]) => {
    const keyed = rules.named || !Array.isArray(value);
    if (!keyed) return encode(item);
    const encodedKey = Array.isArray(value) ? key : encode(key);
    if (rules.named && item === "") return encodedKey + rules.ifEmpty;
    return `${encodedKey}=${encode(item)}`;
  });
  return exploded.join(rules.separator);
}

function expandExpression(expression: Expression, variables: UriTemplateVariables): string {
  const rules = OPERATOR_RULES[expression.operator];
  const pieces: string[] = [];
  for (const spec of expression.variables) {
    const value = Object.hasOwn(variables, spec.name) ? variables[spec.name] : undefined;
    if (isDefined(value)) pieces.push(expandVariable(spec, value, rules));
  }
  return pieces.length === 0 ? "" : rules.first + pieces.join(rules.separator);
}

function matchParts(parts: TemplatePart[]): MatchPart[] {
  return parts.map((part) =>
    typeof part === "string"
      ? encodeValue(part, true)
      : { ...OPERATOR_RULES[part.operator], ...part }
  );
}

/**
 * Parses an RFC 6570 URI template (levels 1–4). Throws `SyntaxError` for malformed templates.
 *
 * @example
 * ```ts
 * const template = parseUriTemplate("repo://{owner}/{repo}/files{/path*}{?ref}");
 * template.expand({ owner: "emcee", repo: "mcp", path: ["src", "a b.ts"], ref: "main" });
 * // "repo://emcee/mcp/files/src/a%20b.ts?ref=main"
 * template.match("repo://emcee/mcp/files/src/a%20b.ts?ref=main");
 * // { owner: "emcee", repo: "mcp", path: ["src", "a b.ts"], ref: "main" }
 * template.variableNames; // ["owner", "repo", "path", "ref"]
 * ```
 */
export function parseUriTemplate(template: string): UriTemplate {
  const parts = parseParts(template);
  const names: string[] = [];
  for (const part of parts) {
    if (typeof part === "string") continue;
    for (const spec of part.variables) if (!names.includes(spec.name)) names.push(spec.name);
  }
  const matcher = compileUriMatcher(matchParts(parts));
  return {
    template,
    variableNames: Object.freeze(names),
    expand(variables: UriTemplateVariables): string {
      return parts.map((part) =>
        typeof part === "string" ? encodeValue(part, true) : expandExpression(part, variables)
      ).join("");
    },
    match: (uri) => matcher(uri),
  };
}

/**
 * The steps matching `uri` against `template` takes: a bound tests and benchmarks can check,
 * linear in the length of `uri`. Not part of the public API.
 *
 * @example
 * ```ts
 * countUriMatchSteps("log://{y}-{m}-{d}", "log://2026-12-06"); // 153
 * ```
 */
export function countUriMatchSteps(template: string, uri: string): number {
  const meter = { steps: 0 };
  compileUriMatcher(matchParts(parseParts(template)))(uri, meter);
  return meter.steps;
}
