// Compiles schema nodes into closures ("checks"). Each schema object is compiled once per
// compilation; its keywords are compiled vocabulary by vocabulary into check lists that
// `assemble` combines by instance type. References are bound once the root is compiled.

import { escapeToken } from "../pointer.ts";
import { isSchemaObject, type NodeInfo, type RefTarget, type Registry } from "../registry.ts";
import {
  type JsonSchema,
  type JsonSchemaObject,
  SchemaError,
  type ValidationLimits,
} from "../types.ts";
import { compileApplicators } from "../keywords/applicators.ts";
import { compileFormat } from "../keywords/format.ts";
import { compileItemApplicators } from "../keywords/items.ts";
import { compilePropertyApplicators } from "../keywords/properties.ts";
import { compileDynamicRef, compileRef, type ReferenceState } from "../keywords/references.ts";
import { compileUnevaluated, hasUnevaluated, withOwnAnnotations } from "../keywords/unevaluated.ts";
import { compileValidation } from "../keywords/validation.ts";
import { assemble, newCheckLists } from "./assemble.ts";
import { ALWAYS, type Check, type Compiled, falseSchema, PENDING } from "./evaluation.ts";
import type { SchemaNode } from "./schema_node.ts";

/** Options the compiler reads. */
export interface CompilerOptions {
  /** Whether `format` asserts. */
  readonly formatAssertion: boolean;
  /** The caller's format checks, ahead of the built-in ones. */
  readonly formats: Readonly<Record<string, (value: string) => boolean>>;
  /** The limits in force. */
  readonly limits: ValidationLimits;
}

/** A compilation unit. */
export interface Compiler {
  /** Compiles a root schema and everything it references. */
  compileRoot(schema: JsonSchema): Compiled;
}

/** Creates a compiler over a registry; `state.dynamic` flips on when `$dynamicRef` is used. */
export function createCompiler(registry: Registry, options: CompilerOptions): Compiler {
  const compiled = new Map<JsonSchemaObject, Compiled>();
  const state: ReferenceState = {
    registry,
    dynamic: false,
    pending: [],
    dynamicAnchors: new Map(),
    compileTarget,
  };

  function compileTarget(target: RefTarget): Compiled {
    if (target.node === true) return ALWAYS;
    if (target.node === false) return falseSchema(target.location);
    return compileNode(target.node);
  }

  function compileChild(value: unknown, location: string): Compiled {
    if (value === true) return ALWAYS;
    if (value === false) return falseSchema(location);
    if (!isSchemaObject(value)) {
      throw new SchemaError("a subschema must be an object or a boolean", location);
    }
    return compileNode(value);
  }

  function compileNode(node: JsonSchemaObject): Compiled {
    const existing = compiled.get(node);
    if (existing !== undefined) return existing;
    const info = registry.info(node);
    if (info === undefined) throw new SchemaError("internal error: subschema was not indexed", "");
    const holder: Compiled = { check: PENDING };
    compiled.set(node, holder);
    let check = compileKeywords(node, info);
    if (info.resource.root === node) {
      const inner = check;
      const resource = info.resource;
      check = (value, ctx, sink) => {
        if (!state.dynamic) return inner(value, ctx, sink);
        ctx.scope.push(resource);
        const ok = inner(value, ctx, sink);
        ctx.scope.pop();
        return ok;
      };
    }
    holder.check = check;
    return holder;
  }

  function compileKeywords(node: JsonSchemaObject, info: NodeInfo): Check {
    const dialect = info.dialect;
    const at = (keyword: string) => info.location + "/" + escapeToken(keyword);
    const schema: SchemaNode = {
      node,
      dialect,
      at,
      child: (keyword, value, ...steps) =>
        compileChild(value, at(keyword) + steps.map((step) => "/" + escapeToken(step)).join("")),
    };
    const lists = newCheckLists();

    if (typeof node.$ref === "string") {
      lists.any.push(compileRef(state, node.$ref, info, at("$ref")));
    } else if (node.$ref !== undefined) {
      throw new SchemaError("$ref must be a string", at("$ref"));
    }
    // draft-07: `$ref` overrides its siblings.
    if (dialect.draft7 && node.$ref !== undefined) return assemble(lists, null);

    if (!dialect.draft7 && typeof node.$dynamicRef === "string") {
      lists.any.push(compileDynamicRef(state, node.$dynamicRef, info, at("$dynamicRef")));
    }
    const typeGuard = dialect.validation ? compileValidation(schema, lists) : null;
    if (dialect.applicator) {
      compileApplicators(schema, lists.any);
      compilePropertyApplicators(schema, lists.objects);
      compileItemApplicators(schema, lists.arrays);
    }
    if (dialect.format && options.formatAssertion) {
      compileFormat(schema, options.formats, lists.strings);
    }
    if (!hasUnevaluated(schema)) return assemble(lists, typeGuard);
    compileUnevaluated(schema, lists.arrays, lists.objects);
    return withOwnAnnotations(assemble(lists, typeGuard));
  }

  function compileRoot(schema: JsonSchema): Compiled {
    const root = schema === true
      ? ALWAYS
      : schema === false
      ? falseSchema("#")
      : compileNode(schema);
    const pending = state.pending;
    let queued = 0;
    for (;;) {
      while (queued < pending.length) pending[queued++]();
      if (!state.dynamic) break;
      let added = false;
      for (const resource of registry.resources()) {
        if (state.dynamicAnchors.has(resource) || resource.dynamicAnchors.size === 0) continue;
        const anchors = new Map<string, Compiled>();
        state.dynamicAnchors.set(resource, anchors);
        for (const [name, node] of resource.dynamicAnchors) anchors.set(name, compileNode(node));
        added = true;
      }
      if (!added && queued === pending.length) break;
    }
    return root;
  }

  return { compileRoot };
}
