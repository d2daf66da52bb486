/**
 * `completion/complete`: suggestions for a prompt argument or a resource
 * template variable, from the completers their definitions declare.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { describeValue } from "../protocol/describe.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import type { CompleteResult, JsonObject } from "../protocol/mod.ts";
import type { ServerCore } from "./core.ts";
import type { Completer } from "./definitions.ts";

/** The most values one answer carries; `total` and `hasMore` tell about the rest. */
const MAX_VALUES = 100;

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

/** The completer named `argument`, own keys only: `__proto__` names no completer. */
function ownCompleter(
  completers: { [argument: string]: Completer | undefined } | undefined,
  argument: string,
): Completer | undefined {
  return completers && Object.hasOwn(completers, argument) ? completers[argument] : undefined;
}

/** Finds the completer `ref` and `argument` name, if the definition has one. */
function completerFor(core: ServerCore, ref: JsonObject, argument: string): Completer | undefined {
  if (ref.type === "ref/prompt") {
    const prompt = typeof ref.name === "string" ? core.prompts.get(ref.name) : undefined;
    if (!prompt) throw invalidParams(`Unknown prompt: ${describeValue(ref.name)}`);
    return ownCompleter(prompt.complete, argument);
  }
  if (ref.type === "ref/resource") {
    const uri = typeof ref.uri === "string" ? ref.uri : undefined;
    const entry = uri === undefined ? undefined : core.templates.get(uri);
    if (!entry && (uri === undefined || !core.resources.has(uri))) {
      throw invalidParams(`Unknown resource or template: ${describeValue(ref.uri)}`);
    }
    return ownCompleter(entry?.definition.complete, argument);
  }
  throw invalidParams(`Unknown completion reference type: ${describeValue(ref.type)}`);
}

/** `completion/complete`: no completer means no suggestions. */
export async function complete(core: ServerCore, params: JsonObject): Promise<JsonObject> {
  const ref = params.ref;
  const argument = params.argument;
  if (!isObject(ref) || !isObject(argument) || typeof argument.name !== "string") {
    throw invalidParams("completion/complete needs ref and argument.name");
  }
  const completer = completerFor(core, ref, argument.name);
  const context = isObject(params.context) && isObject(params.context.arguments)
    ? params.context.arguments as { [name: string]: string }
    : {};
  if (Object.values(context).some((v) => typeof v !== "string")) {
    throw invalidParams("completion context.arguments must map names to strings");
  }
  const value = argument.value ?? "";
  if (typeof value !== "string") throw invalidParams("completion argument.value must be a string");
  const all = completer ? await completer(value, { arguments: context }) : [];
  const values = all.slice(0, MAX_VALUES);
  const result: CompleteResult = {
    completion: { values, total: all.length, hasMore: all.length > values.length },
  };
  return result as unknown as JsonObject;
}
