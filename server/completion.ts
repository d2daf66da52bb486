/**
 * `completion/complete`: suggestions for a prompt argument or a resource
 * template variable, from the completers their definitions declare.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import type { CompleteResult, JsonObject } from "../protocol/mod.ts";
import type { ServerCore } from "./core.ts";
import type { Completer } from "./definitions.ts";

/** The most values one answer carries; `total` and `hasMore` tell about the rest. */
const MAX_VALUES = 100;

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

/** Finds the completer `ref` and `argument` name, if the definition has one. */
function completerFor(core: ServerCore, ref: JsonObject, argument: string): Completer | undefined {
  if (ref.type === "ref/prompt") {
    const prompt = core.prompts.get(String(ref.name));
    if (!prompt) throw invalidParams(`Unknown prompt: ${String(ref.name)}`);
    return prompt.complete?.[argument];
  }
  if (ref.type === "ref/resource") {
    const entry = core.templates.get(String(ref.uri));
    if (!entry && !core.resources.has(String(ref.uri))) {
      throw invalidParams(`Unknown resource or template: ${String(ref.uri)}`);
    }
    return entry?.definition.complete?.[argument];
  }
  throw invalidParams(`Unknown completion reference type: ${String(ref.type)}`);
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
  const all = completer
    ? await completer(String(argument.value ?? ""), { arguments: context })
    : [];
  const values = all.slice(0, MAX_VALUES);
  const result: CompleteResult = {
    completion: { values, total: all.length, hasMore: all.length > values.length },
  };
  return result as unknown as JsonObject;
}
