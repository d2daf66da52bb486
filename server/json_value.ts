/**
 * Whether a value a handler returned is JSON, and its JSON text. The common
 * case (it is JSON) costs one `JSON.stringify`; only a value that is not JSON
 * is walked again, to say what is wrong and where.
 *
 * @module
 */

/** Thrown by {@link guard}: the walk that follows finds and names the culprit. */
const NOT_JSON: unique symbol = Symbol("not JSON");

/**
 * `JSON.stringify` would quietly drop or change these (a function or symbol
 * vanishes, `undefined` in a list and a non-finite number become `null`, a
 * Map or Set becomes `{}`), so what the model reads would not be what the
 * handler computed. A bigint or a cycle already makes it throw.
 */
function guard(this: unknown, _key: string, value: unknown): unknown {
  switch (typeof value) {
    case "function":
    case "symbol":
    case "bigint":
      throw NOT_JSON;
    case "number":
      if (!Number.isFinite(value)) throw NOT_JSON;
      break;
    case "undefined":
      if (Array.isArray(this)) throw NOT_JSON;
      break;
    case "object":
      if (value instanceof Map || value instanceof Set) throw NOT_JSON;
  }
  return value;
}

/** Why a value is not JSON: what and where, e.g. `a function (format) at /format`. */
export class NotJson {
  /** The culprit and its JSON pointer. */
  readonly problem: string;
  /** Describes the problem. */
  constructor(problem: string) {
    this.problem = problem;
  }
}

/**
 * The JSON text of a value that must be JSON, or why it is not. Object
 * properties that are `undefined` are left out, as JSON does; `toJSON`
 * (e.g. of a `Date`) applies.
 */
export function encodeJson(value: unknown): string | NotJson {
  let failure: unknown = NOT_JSON;
  try {
    const json = JSON.stringify(value, guard);
    if (json !== undefined) return json;
  } catch (error) {
    failure = error;
  }
  try {
    return new NotJson(describeNotJson(value));
  } catch {
    // A toJSON or a getter threw: that is what the handler needs to hear about.
    const reason = failure instanceof Error
      ? failure.message
      : failure === NOT_JSON
      ? "not JSON"
      : String(failure);
    return new NotJson(`a value whose conversion to JSON failed (${reason})`);
  }
}

function describeValue(value: unknown): string {
  switch (typeof value) {
    case "function":
      return value.name ? `a function (${value.name})` : "a function";
    case "symbol":
      return "a symbol";
    case "bigint":
      return `a bigint (${value}n)`;
    case "number":
      return String(value);
    case "undefined":
      return "undefined";
  }
  return value instanceof Map ? "a Map" : "a Set";
}

function escapeToken(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Finds the first part of `value` that is not JSON; names it and its JSON pointer. */
function describeNotJson(root: unknown): string {
  const ancestors: unknown[] = [];
  const paths: string[] = [];
  const visit = (value: unknown, path: string, inArray: boolean): string | undefined => {
    if (value !== null && typeof value === "object") {
      const toJson = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJson === "function") value = toJson.call(value);
    }
    const at = path === "" ? "" : ` at ${path}`;
    const type = typeof value;
    if (
      type === "function" || type === "symbol" || type === "bigint" ||
      (type === "number" && !Number.isFinite(value as number)) ||
      (type === "undefined" && (inArray || path === "")) ||
      value instanceof Map || value instanceof Set
    ) {
      return `${describeValue(value)}${at}`;
    }
    if (value === null || type !== "object") return undefined;
    const seen = ancestors.indexOf(value);
    if (seen !== -1) return `a cycle${at} (it refers back to ${paths[seen]})`;
    ancestors.push(value);
    paths.push(path || "the value itself");
    try {
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          const found = visit(value[index], `${path}/${index}`, true);
          if (found) return found;
        }
        return undefined;
      }
      for (const key of Object.keys(value as object)) {
        const found = visit(
          (value as Record<string, unknown>)[key],
          `${path}/${escapeToken(key)}`,
          false,
        );
        if (found) return found;
      }
      return undefined;
    } finally {
      ancestors.pop();
      paths.pop();
    }
  };
  const found = visit(root, "", false);
  if (found === undefined) throw new Error("no culprit found");
  return found;
}
