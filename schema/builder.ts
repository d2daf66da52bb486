/**
 * A tiny, dependency-free builder for tool argument schemas. Every builder returns a plain
 * JSON Schema (2020-12) object; its TypeScript type travels along as a phantom, so
 * `Infer<typeof schema>` gives the type a tool handler receives.
 *
 * @example
 * ```ts
 * import { type Infer, s } from "./builder.ts";
 * const weatherArgs = s.object({
 *   city: s.string({ description: "City name", minLength: 1 }),
 *   units: s.optional(s.enum(["metric", "imperial"], { default: "metric" })),
 *   days: s.optional(s.integer({ minimum: 1, maximum: 14 })),
 * });
 * type WeatherArgs = Infer<typeof weatherArgs>;
 * // { city: string; units?: "metric" | "imperial"; days?: number }
 * JSON.stringify(weatherArgs);
 * // {"type":"object","properties":{"city":{...},"units":{...},"days":{...}},"required":["city"]}
 * ```
 * @module
 */

import type { JsonSchemaObject } from "./types.ts";

/** Phantom key carrying a schema's TypeScript type (never present at runtime). */
export const schemaType: unique symbol = Symbol("emcee.schema.type");

/** Runtime marker on schemas wrapped by {@link s.optional} (a symbol: invisible in JSON). */
export const optionalMarker: unique symbol = Symbol("emcee.schema.optional");

/** A JSON Schema object that validates values of type `T`. */
export type TypedSchema<T> = JsonSchemaObject & { readonly [schemaType]?: T };

/** A property schema that may be absent from its object. */
export type OptionalSchema<T> = TypedSchema<T> & { readonly [optionalMarker]: true };

/** The TypeScript type a builder schema validates (`unknown` for untyped schemas). */
export type Infer<S> = S extends TypedSchema<infer T> ? T : unknown;

/** Properties of an object schema, by name. */
export type Shape = Readonly<Record<string, TypedSchema<unknown>>>;

/** The property names of a {@link Shape} whose schemas are wrapped in {@link s.optional}. */
export type OptionalKeys<P extends Shape> = {
  [K in keyof P]: P[K] extends { readonly [optionalMarker]: true } ? K : never;
}[keyof P];

/** The property names of a {@link Shape} that an object must have. */
export type RequiredKeys<P extends Shape> = Exclude<keyof P, OptionalKeys<P>>;

/** `T` as one object type (an intersection spelled out, so editors show its properties). */
export type Flatten<T> = { [K in keyof T]: T[K] };

/** The object type described by a {@link Shape}: optional properties become `?:`. */
export type InferShape<P extends Shape> = Flatten<
  & { -readonly [K in RequiredKeys<P>]: Infer<P[K]> }
  & { -readonly [K in OptionalKeys<P>]?: Infer<P[K]> }
>;

/** Annotations every builder accepts. */
export interface Annotations<T> {
  /** Shown to the model: say what the value means and how to choose it. */
  readonly description?: string;
  /** A short name for the value. */
  readonly title?: string;
  /** Documented default (an annotation: the validator does not fill it in). */
  readonly default?: T;
  /** Sample values. */
  readonly examples?: readonly T[];
  /** The value should no longer be used. */
  readonly deprecated?: boolean;
}

/** Formats the validator asserts (any other string is allowed and not checked). */
export type StringFormat =
  | "date"
  | "date-time"
  | "time"
  | "duration"
  | "email"
  | "hostname"
  | "ipv4"
  | "ipv6"
  | "uri"
  | "uri-reference"
  | "uuid"
  | "json-pointer"
  | "relative-json-pointer"
  | "regex";

/** Options of {@link s.string}. */
export interface StringOptions extends Annotations<string> {
  /** At least this many characters (Unicode code points). */
  readonly minLength?: number;
  /** At most this many characters (Unicode code points). */
  readonly maxLength?: number;
  /** ECMAScript regular expression (Unicode mode), unanchored unless you add `^`/`$`. */
  readonly pattern?: string;
  /** A {@link StringFormat} the string must have, or any other format name (not checked). */
  readonly format?: StringFormat | (string & Record<never, never>);
}

/** Options of {@link s.number} and {@link s.integer}. */
export interface NumberOptions extends Annotations<number> {
  /** The value is at least this. */
  readonly minimum?: number;
  /** The value is at most this. */
  readonly maximum?: number;
  /** The value is greater than this. */
  readonly exclusiveMinimum?: number;
  /** The value is less than this. */
  readonly exclusiveMaximum?: number;
  /** The value divided by this is an integer (must be greater than 0). */
  readonly multipleOf?: number;
}

/** Options of {@link s.array}. */
export interface ArrayOptions<T> extends Annotations<T[]> {
  /** At least this many items. */
  readonly minItems?: number;
  /** At most this many items. */
  readonly maxItems?: number;
  /** `true`: no two items are equal (as JSON values). */
  readonly uniqueItems?: boolean;
}

/** Options of {@link s.object}. */
export interface ObjectOptions<T> extends Annotations<T> {
  /** `false` rejects properties not listed in the shape (recommended for tool arguments). */
  readonly additionalProperties?: boolean;
  /** At least this many properties. */
  readonly minProperties?: number;
  /** At most this many properties. */
  readonly maxProperties?: number;
}

function build<T>(base: Record<string, unknown>, options: object | undefined): TypedSchema<T> {
  const schema: Record<string, unknown> = { ...base };
  if (options !== undefined) {
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) schema[key] = value;
    }
  }
  return schema as TypedSchema<T>;
}

/** A JSON primitive, as {@link SchemaBuilder.enum} and {@link SchemaBuilder.literal} take. */
export type Literal = string | number | boolean | null;

/** The builder namespace: `s.string()`, `s.object({...})`, … (plain functions, no classes). */
export interface SchemaBuilder {
  /** A string. */
  string(options?: StringOptions): TypedSchema<string>;
  /** Any JSON number. */
  number(options?: NumberOptions): TypedSchema<number>;
  /** A whole number (1.0 counts as an integer, as in JSON Schema). */
  integer(options?: NumberOptions): TypedSchema<number>;
  /** `true` or `false`. */
  boolean(options?: Annotations<boolean>): TypedSchema<boolean>;
  /** `null`. */
  null(options?: Annotations<null>): TypedSchema<null>;
  /** One of the listed values. */
  enum<const V extends readonly [Literal, ...Literal[]]>(
    values: V,
    options?: Annotations<V[number]>,
  ): TypedSchema<V[number]>;
  /** Exactly this value. */
  literal<const V extends Literal>(value: V, options?: Annotations<V>): TypedSchema<V>;
  /** An array whose items all match `item`. */
  array<I extends TypedSchema<unknown>>(
    item: I,
    options?: ArrayOptions<Infer<I>>,
  ): TypedSchema<Infer<I>[]>;
  /** An object with the given properties; those not wrapped in `s.optional` are required. */
  object<P extends Shape>(
    shape: P,
    options?: ObjectOptions<InferShape<P>>,
  ): TypedSchema<InferShape<P>>;
  /** An object with arbitrary keys whose values all match `value`. */
  record<V extends TypedSchema<unknown>>(
    value: V,
    options?: Annotations<Record<string, Infer<V>>>,
  ): TypedSchema<Record<string, Infer<V>>>;
  /** A value matching at least one of the member schemas. */
  union<M extends readonly [TypedSchema<unknown>, ...TypedSchema<unknown>[]]>(
    members: M,
    options?: Annotations<Infer<M[number]>>,
  ): TypedSchema<Infer<M[number]>>;
  /** Marks an object property as optional (may be omitted). */
  optional<S extends TypedSchema<unknown>>(schema: S): OptionalSchema<Infer<S>>;
  /** Also accepts `null`. */
  nullable<S extends TypedSchema<unknown>>(schema: S): TypedSchema<Infer<S> | null>;
  /** Any JSON value. */
  unknown(options?: Annotations<unknown>): TypedSchema<unknown>;
}

/**
 * Builds typed JSON Schemas for tool arguments.
 *
 * @example
 * ```ts
 * import { s } from "./builder.ts";
 * const args = s.object(
 *   { query: s.string({ minLength: 1 }), limit: s.optional(s.integer({ minimum: 1, default: 10 })) },
 *   { additionalProperties: false },
 * );
 * ```
 */
export const s: SchemaBuilder = {
  string: (options) => build({ type: "string" }, options),
  number: (options) => build({ type: "number" }, options),
  integer: (options) => build({ type: "integer" }, options),
  boolean: (options) => build({ type: "boolean" }, options),
  null: (options) => build({ type: "null" }, options),
  enum: (values, options) => {
    const types = [...new Set(values.map((v) => (v === null ? "null" : typeof v)))];
    const base: Record<string, unknown> = { enum: [...values] };
    if (types.length === 1 && types[0] !== "null") base.type = types[0];
    return build(base, options);
  },
  literal: (value, options) => build({ const: value }, options),
  array: (item, options) => build({ type: "array", items: item }, options),
  object: (shape, options) => {
    const required = Object.keys(shape).filter((key) => !(optionalMarker in shape[key]));
    const base: Record<string, unknown> = { type: "object", properties: { ...shape } };
    if (required.length > 0) base.required = required;
    return build(base, options);
  },
  record: (value, options) => build({ type: "object", additionalProperties: value }, options),
  union: (members, options) => build({ anyOf: [...members] }, options),
  optional: <S extends TypedSchema<unknown>>(schema: S) =>
    ({ ...schema, [optionalMarker]: true }) as unknown as OptionalSchema<Infer<S>>,
  nullable: (schema) => {
    const type = schema.type;
    const simple = typeof type === "string" && !("enum" in schema) && !("const" in schema);
    return simple
      ? build({ ...schema, type: [type, "null"] }, undefined)
      : build({ anyOf: [schema, { type: "null" }] }, undefined);
  },
  unknown: (options) => build({}, options),
};
