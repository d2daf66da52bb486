// `$ref` and `$dynamicRef`. A reference is bound to its target after the target has been
// compiled (targets may be compiled later than the reference, or be cyclic). Dynamic scope is
// tracked in `ctx.scope` only once some `$dynamicRef` exists.

import { type Check, type Compiled, PENDING, tooManySteps } from "../compile/evaluation.ts";
import { LimitExceeded } from "../limit.ts";
import type { NodeInfo, RefTarget, Registry, Resource } from "../registry.ts";
import { SchemaError } from "../types.ts";
import { resolveUri, splitFragment } from "../uri.ts";

/** What reference compilation shares with the compiler of one root schema. */
export interface ReferenceState {
  /** Where references are resolved. */
  readonly registry: Registry;
  /** Set once a `$dynamicRef` is compiled: from then on checks keep `ctx.scope` up to date. */
  dynamic: boolean;
  /** Binds a reference to its compiled target; the compiler runs these after the root. */
  readonly pending: (() => void)[];
  /** Compiled `$dynamicAnchor` subschemas by resource, filled in by the compiler. */
  readonly dynamicAnchors: Map<Resource, Map<string, Compiled>>;
  /** Compiles a reference target. */
  compileTarget(target: RefTarget): Compiled;
}

function resolveOrThrow(
  state: ReferenceState,
  ref: string,
  info: NodeInfo,
  location: string,
): RefTarget {
  const uri = resolveUri(info.resource.uri, ref);
  const target = state.registry.resolve(uri, info.dialect);
  if (target === undefined) {
    const [document] = splitFragment(uri);
    const why = state.registry.resolve(document, info.dialect) === undefined
      ? `no schema document "${document}" is known (emcee never fetches; supply it in options.documents)`
      : `the document has no such location or anchor`;
    throw new SchemaError(`cannot resolve $ref "${ref}" (${uri}): ${why}`, location);
  }
  return target;
}

/** The `$ref` keyword of the schema described by `info`. */
export function compileRef(
  state: ReferenceState,
  ref: string,
  info: NodeInfo,
  location: string,
): Check {
  const target = resolveOrThrow(state, ref, info, location);
  const holder: Compiled = { check: PENDING };
  state.pending.push(() => {
    holder.check = state.compileTarget(target).check;
  });
  const resource = target.resource;
  return (value, ctx, sink) => {
    if (++ctx.depth > ctx.maxDepth) {
      throw new LimitExceeded(
        `validation exceeded maxEvaluationDepth (${ctx.maxDepth}) following $ref (recursive schema or reference loop)`,
      );
    }
    if (++ctx.steps > ctx.maxSteps) tooManySteps(ctx);
    let ok: boolean;
    if (state.dynamic) {
      ctx.scope.push(resource);
      ok = holder.check(value, ctx, sink);
      ctx.scope.pop();
    } else {
      ok = holder.check(value, ctx, sink);
    }
    ctx.depth--;
    return ok;
  };
}

/**
 * The `$dynamicRef` keyword: the outermost resource in scope with a matching `$dynamicAnchor`
 * wins; without one (or when the static target is no dynamic anchor) it acts as `$ref`.
 */
export function compileDynamicRef(
  state: ReferenceState,
  ref: string,
  info: NodeInfo,
  location: string,
): Check {
  state.dynamic = true;
  const staticCheck = compileRef(state, ref, info, location);
  const target = resolveOrThrow(state, ref, info, location);
  const [, fragment] = splitFragment(resolveUri(info.resource.uri, ref));
  const isDynamic = fragment !== "" && !fragment.startsWith("/") &&
    target.resource.dynamicAnchors.get(fragment) === target.node;
  if (!isDynamic) return staticCheck;
  const anchor = fragment;
  const dynamicAnchors = state.dynamicAnchors;
  return (value, ctx, sink) => {
    const scope = ctx.scope;
    for (let i = 0; i < scope.length; i++) {
      const compiledAnchor = dynamicAnchors.get(scope[i])?.get(anchor);
      if (compiledAnchor !== undefined) {
        if (++ctx.depth > ctx.maxDepth) {
          throw new LimitExceeded(
            `validation exceeded maxEvaluationDepth (${ctx.maxDepth}) following $dynamicRef`,
          );
        }
        if (++ctx.steps > ctx.maxSteps) tooManySteps(ctx);
        scope.push(scope[i]);
        const ok = compiledAnchor.check(value, ctx, sink);
        scope.pop();
        ctx.depth--;
        return ok;
      }
    }
    return staticCheck(value, ctx, sink);
  };
}
