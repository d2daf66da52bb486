/**
 * The Standard Schema (https://standardschema.dev) and Standard JSON Schema interfaces, declared
 * here so emcee accepts Zod 4, Valibot, ArkType and others by duck typing without depending on
 * any of them.
 * @module
 */

/** A path segment of a Standard Schema issue. */
export interface StandardPathSegment {
  /** The property name or array index. */
  readonly key: PropertyKey;
}

/** One problem reported by a Standard Schema validator. */
export interface StandardIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where: the keys from the validated value down to the failing part (absent: the root). */
  readonly path?: ReadonlyArray<PropertyKey | StandardPathSegment> | undefined;
}

/** Result of `~standard.validate`. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

/** Options of the Standard JSON Schema converters. */
export interface StandardJsonSchemaOptions {
  /** The JSON Schema dialect to produce. */
  readonly target: "draft-2020-12" | "draft-07" | "openapi-3.0" | (string & Record<never, never>);
  /** Options specific to the library. */
  readonly libraryOptions?: Record<string, unknown> | undefined;
}

/** The `~standard` property of a Standard Schema (with the optional JSON Schema converter). */
export interface StandardProps<Input = unknown, Output = Input> {
  /** The Standard Schema version. */
  readonly version: 1;
  /** The library's name, e.g. `"zod"`. */
  readonly vendor: string;
  /** Validates a value: its output, or the issues found (possibly asynchronously). */
  readonly validate: (
    value: unknown,
    options?: { readonly libraryOptions?: Record<string, unknown> | undefined },
  ) => StandardResult<Output> | Promise<StandardResult<Output>>;
  /** Phantom types of the input and output (for inference only; absent at runtime). */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  /** The Standard JSON Schema converter, when the library offers one. */
  readonly jsonSchema?: {
    readonly input: (options: StandardJsonSchemaOptions) => Record<string, unknown>;
    readonly output: (options: StandardJsonSchemaOptions) => Record<string, unknown>;
  };
}

/** A Standard Schema validator (Zod 4, Valibot, ArkType, …). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardProps<Input, Output>;
}

/** The output type of a Standard Schema (what validation returns). */
export type StandardOutput<S> = S extends
  { readonly "~standard": { readonly types?: { readonly output: infer O } | undefined } } ? O
  : unknown;

/** Whether a value is a Standard Schema (has `~standard.validate`). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const props = (value as { "~standard"?: unknown })["~standard"];
  return typeof props === "object" && props !== null &&
    typeof (props as { validate?: unknown }).validate === "function";
}
