// Indexes schema documents into resources (by `$id`), anchors and dynamic anchors, and resolves
// `$ref` URIs to schema nodes. Documents come only from the schema itself, the caller's
// `documents` option and the embedded meta-schemas: nothing is ever fetched.

import { META_SCHEMAS } from "./metaschemas.ts";
import { escapeToken, parsePointer } from "./pointer.ts";
import {
  type JsonSchema,
  type JsonSchemaObject,
  SchemaError,
  type ValidationLimits,
} from "./types.ts";
import { resolveUri, splitFragment } from "./uri.ts";

/** Which keyword groups are active for a schema, from its dialect and `$vocabulary`. */
export interface DialectInfo {
  /** draft-07 rules: `$ref` overrides its siblings, `items` may be an array, `dependencies`. */
  readonly draft7: boolean;
  /** The applicator keywords apply (`properties`, `items`, `allOf`, …). */
  readonly applicator: boolean;
  /** The validation keywords apply (`type`, `minimum`, `required`, …). */
  readonly validation: boolean;
  /** `unevaluatedItems` and `unevaluatedProperties` apply. */
  readonly unevaluated: boolean;
  /** `format` may assert. */
  readonly format: boolean;
}

/** A schema resource: a document root or a subschema with its own `$id`. */
export interface Resource {
  /** Absolute URI of the resource (its base URI for relative references). */
  uri: string;
  /** The resource's root schema. */
  readonly root: JsonSchema;
  /** The dialect of the resource. */
  readonly dialect: DialectInfo;
  /** Label of the containing document in error locations ("" for the compiled schema). */
  readonly documentLabel: string;
  /** JSON pointer of `root` inside its document. */
  readonly rootPointer: string;
  /** Subschemas by plain-name fragment: `$anchor` and `$dynamicAnchor` (draft-07: `$id` fragments). */
  readonly anchors: Map<string, JsonSchema>;
  /** Subschemas by `$dynamicAnchor`. */
  readonly dynamicAnchors: Map<string, JsonSchemaObject>;
}

/** What the compiler needs to know about an indexed schema object. */
export interface NodeInfo {
  /** The resource the node belongs to. */
  readonly resource: Resource;
  /** The dialect the node is interpreted in. */
  readonly dialect: DialectInfo;
  /** `schemaPath` of the node: `label#/pointer`. */
  readonly location: string;
}

/** A resolved reference target. */
export interface RefTarget {
  /** The schema referenced. */
  readonly node: JsonSchema;
  /** The resource it belongs to. */
  readonly resource: Resource;
  /** Its `schemaPath`: `label#/pointer`. */
  readonly location: string;
  /** The dialect it is interpreted in. */
  readonly dialect: DialectInfo;
}

/** draft-07: `$ref` overrides siblings, no `unevaluated*`, array-form `items`. */
export const DRAFT_07: DialectInfo = {
  draft7: true,
  applicator: true,
  validation: true,
  unevaluated: false,
  format: true,
};
/** 2020-12 with every standard vocabulary (the default dialect). */
export const DRAFT_2020_12: DialectInfo = {
  draft7: false,
  applicator: true,
  validation: true,
  unevaluated: true,
  format: true,
};

const DRAFT_07_URI = "http://json-schema.org/draft-07/schema";
const DRAFT_2020_12_URI = "https://json-schema.org/draft/2020-12/schema";
const VOCABULARY_PREFIX = "https://json-schema.org/draft/2020-12/vocab/";
const KNOWN_VOCABULARIES = new Set([
  "core",
  "applicator",
  "unevaluated",
  "validation",
  "meta-data",
  "format-annotation",
  "format-assertion",
  "content",
]);

/** Keywords whose value is one subschema in 2020-12. */
export const SINGLE_SUBSCHEMA_2020: readonly string[] = [
  "additionalProperties",
  "items",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contentSchema",
];
/** Keywords whose value is one subschema in draft-07 (`items` may also be an array). */
export const SINGLE_SUBSCHEMA_07: readonly string[] = [
  "additionalProperties",
  "additionalItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
];
const MAP_SUBSCHEMA_2020 = ["properties", "patternProperties", "$defs", "dependentSchemas"];
const MAP_SUBSCHEMA_07 = ["properties", "patternProperties", "definitions", "dependencies"];
const ARRAY_SUBSCHEMA_2020 = ["allOf", "anyOf", "oneOf", "prefixItems"];
const ARRAY_SUBSCHEMA_07 = ["allOf", "anyOf", "oneOf"];

/** Whether a value is a schema object (a plain JSON object, not an array). */
export function isSchemaObject(value: unknown): value is JsonSchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stripEmptyFragment(uri: string): string {
  return uri.endsWith("#") ? uri.slice(0, -1) : uri;
}

function decodeFragment(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

/** The set of documents and resources one compilation can see. */
export interface Registry {
  /** Indexes the schema being compiled under `baseUri`; returns its resource. */
  addRoot(schema: JsonSchema, baseUri: string, dialect: DialectInfo): Resource;
  /** Resolves an absolute URI (with optional fragment) to a schema node, loading documents as needed. */
  resolve(uri: string, fallbackDialect: DialectInfo): RefTarget | undefined;
  /** Index information for a schema object, if it was indexed. */
  info(node: JsonSchemaObject): NodeInfo | undefined;
  /** All resources indexed so far. */
  resources(): Iterable<Resource>;
  /** Dialect named by a `$schema` URI. */
  dialectOf(schemaUri: string, at: string): DialectInfo;
}

/** Creates a registry over the caller's documents plus the embedded meta-schemas. */
export function createRegistry(
  documents: Readonly<Record<string, JsonSchema>>,
  limits: ValidationLimits,
): Registry {
  const resources = new Map<string, Resource>();
  const nodes = new Map<JsonSchemaObject, NodeInfo>();
  const callerDocuments = new Map<string, JsonSchema>();
  for (const [uri, doc] of Object.entries(documents)) {
    callerDocuments.set(stripEmptyFragment(uri), doc);
  }
  let subschemaCount = 0;
  const dialectCache = new Map<string, DialectInfo>();

  function findDocument(uri: string): JsonSchema | undefined {
    return callerDocuments.get(uri) ??
      (Object.hasOwn(META_SCHEMAS, uri) ? META_SCHEMAS[uri] : undefined);
  }

  function dialectOf(schemaUri: string, at: string, seen: Set<string> = new Set()): DialectInfo {
    const uri = stripEmptyFragment(schemaUri);
    if (uri === DRAFT_07_URI || uri === "http://json-schema.org/draft-06/schema") return DRAFT_07;
    if (uri === DRAFT_2020_12_URI) return DRAFT_2020_12;
    const cached = dialectCache.get(uri);
    if (cached !== undefined) return cached;
    const meta = findDocument(uri);
    if (!isSchemaObject(meta) || seen.has(uri)) {
      throw new SchemaError(
        `unsupported or unknown $schema "${schemaUri}" (supported: 2020-12 and draft-07; ` +
          `custom meta-schemas must be supplied in options.documents)`,
        at,
      );
    }
    seen.add(uri);
    let dialect: DialectInfo;
    const vocabulary = meta.$vocabulary;
    if (isSchemaObject(vocabulary)) {
      const active = new Set<string>();
      for (const [vocabUri, required] of Object.entries(vocabulary)) {
        const name = vocabUri.startsWith(VOCABULARY_PREFIX)
          ? vocabUri.slice(VOCABULARY_PREFIX.length)
          : "";
        if (KNOWN_VOCABULARIES.has(name)) active.add(name);
        else if (required === true) {
          throw new SchemaError(
            `meta-schema "${uri}" requires unknown vocabulary "${vocabUri}"`,
            at,
          );
        }
      }
      dialect = {
        draft7: false,
        applicator: active.has("applicator"),
        validation: active.has("validation"),
        unevaluated: active.has("unevaluated"),
        format: active.has("format-annotation") || active.has("format-assertion"),
      };
    } else if (typeof meta.$schema === "string" && stripEmptyFragment(meta.$schema) !== uri) {
      dialect = dialectOf(meta.$schema, at, seen);
    } else {
      dialect = DRAFT_2020_12;
    }
    dialectCache.set(uri, dialect);
    return dialect;
  }

  function newResource(
    uri: string,
    root: JsonSchema,
    dialect: DialectInfo,
    documentLabel: string,
    rootPointer: string,
  ): Resource {
    const resource: Resource = {
      uri,
      root,
      dialect,
      documentLabel,
      rootPointer,
      anchors: new Map(),
      dynamicAnchors: new Map(),
    };
    if (!resources.has(uri)) resources.set(uri, resource);
    return resource;
  }

  function walk(
    node: unknown,
    resource: Resource,
    pointer: string,
    dialect: DialectInfo,
    depth: number,
    isDocumentRoot: boolean,
  ): void {
    if (!isSchemaObject(node) || nodes.has(node)) return;
    const location = resource.documentLabel + "#" + pointer;
    if (depth > limits.maxSchemaDepth) {
      throw new SchemaError(
        `schema nesting exceeds maxSchemaDepth (${limits.maxSchemaDepth})`,
        location,
      );
    }
    if (++subschemaCount > limits.maxSubschemas) {
      throw new SchemaError(
        `schema has more than maxSubschemas (${limits.maxSubschemas}) subschemas`,
        location,
      );
    }
    if (typeof node.$schema === "string" && (isDocumentRoot || typeof node.$id === "string")) {
      dialect = dialectOf(node.$schema, location + "/$schema");
    }
    const ignoresSiblings = dialect.draft7 && typeof node.$ref === "string";
    const id = node.$id;
    if (!ignoresSiblings && typeof id === "string") {
      if (dialect.draft7 && id.startsWith("#")) {
        const anchor = decodeFragment(id.slice(1));
        if (anchor !== undefined) resource.anchors.set(anchor, node);
      } else {
        const [absolute, fragment] = splitFragment(resolveUri(resource.uri, id));
        if (isDocumentRoot) {
          if (!resources.has(absolute)) resources.set(absolute, resource);
          resource.uri = absolute;
        } else {
          resource = newResource(absolute, node, dialect, resource.documentLabel, pointer);
        }
        if (fragment !== "" && dialect.draft7) {
          const anchor = decodeFragment(fragment);
          if (anchor !== undefined) resource.anchors.set(anchor, node);
        }
      }
    }
    if (!dialect.draft7) {
      if (typeof node.$anchor === "string") resource.anchors.set(node.$anchor, node);
      if (typeof node.$dynamicAnchor === "string") {
        resource.anchors.set(node.$dynamicAnchor, node);
        resource.dynamicAnchors.set(node.$dynamicAnchor, node);
      }
    }
    nodes.set(node, { resource, dialect, location });
    const single = dialect.draft7 ? SINGLE_SUBSCHEMA_07 : SINGLE_SUBSCHEMA_2020;
    for (const keyword of single) {
      if (keyword in node) {
        walk(node[keyword], resource, pointer + "/" + keyword, dialect, depth + 1, false);
      }
    }
    for (const keyword of dialect.draft7 ? MAP_SUBSCHEMA_07 : MAP_SUBSCHEMA_2020) {
      const map = node[keyword];
      if (!isSchemaObject(map)) continue;
      for (const key of Object.keys(map)) {
        const at = pointer + "/" + escapeToken(keyword) + "/" + escapeToken(key);
        walk(map[key], resource, at, dialect, depth + 1, false);
      }
    }
    const arrays = dialect.draft7 ? [...ARRAY_SUBSCHEMA_07, "items"] : ARRAY_SUBSCHEMA_2020;
    for (const keyword of arrays) {
      const list = node[keyword];
      if (!Array.isArray(list)) continue;
      for (let i = 0; i < list.length; i++) {
        walk(list[i], resource, `${pointer}/${keyword}/${i}`, dialect, depth + 1, false);
      }
    }
    if (dialect.draft7 && isSchemaObject(node.items)) {
      walk(node.items, resource, pointer + "/items", dialect, depth + 1, false);
    }
  }

  function addDocument(
    doc: JsonSchema,
    uri: string,
    label: string,
    fallbackDialect: DialectInfo,
  ): Resource {
    let dialect = fallbackDialect;
    if (isSchemaObject(doc) && typeof doc.$schema === "string") {
      dialect = dialectOf(doc.$schema, label + "#/$schema");
    }
    const resource = newResource(uri, doc, dialect, label, "");
    resources.set(uri, resource);
    walk(doc, resource, "", dialect, 0, true);
    return resource;
  }

  function loadResource(uri: string, fallbackDialect: DialectInfo): Resource | undefined {
    const known = resources.get(uri);
    if (known !== undefined) return known;
    const doc = findDocument(uri);
    if (doc === undefined) return undefined;
    return addDocument(doc, uri, uri, fallbackDialect);
  }

  function resolve(uri: string, fallbackDialect: DialectInfo): RefTarget | undefined {
    const [absolute, rawFragment] = splitFragment(uri);
    const resource = loadResource(absolute, fallbackDialect);
    const fragment = decodeFragment(rawFragment);
    if (resource === undefined || fragment === undefined) return undefined;
    let node: JsonSchema | undefined;
    let pointer = "";
    if (fragment === "") {
      node = resource.root;
    } else if (fragment.startsWith("/")) {
      const tokens = parsePointer(fragment);
      if (tokens === undefined) return undefined;
      let current: unknown = resource.root;
      for (const token of tokens) {
        if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token)) current = current[+token];
        else if (isSchemaObject(current) && Object.hasOwn(current, token)) current = current[token];
        else return undefined;
      }
      if (typeof current !== "boolean" && !isSchemaObject(current)) return undefined;
      node = current;
      pointer = fragment;
    } else {
      node = resource.anchors.get(fragment);
    }
    if (node === undefined) return undefined;
    if (typeof node === "boolean") {
      const location = resource.documentLabel + "#" + resource.rootPointer + pointer;
      return { node, resource, location, dialect: resource.dialect };
    }
    let info = nodes.get(node);
    if (info === undefined) {
      walk(node, resource, resource.rootPointer + pointer, resource.dialect, 0, false);
      info = nodes.get(node) as NodeInfo;
    }
    return { node, resource: info.resource, location: info.location, dialect: info.dialect };
  }

  return {
    addRoot: (schema, baseUri, dialect) => addDocument(schema, baseUri, "", dialect),
    resolve,
    info: (node) => nodes.get(node),
    resources: () => new Set(resources.values()),
    dialectOf: (uri, at) => dialectOf(uri, at),
  };
}
