/**
 * A small property-testing kit with no dependency: a seeded PRNG (mulberry32), generator
 * combinators and `check`, which runs a property on generated inputs and, on failure, throws an
 * error naming the seed, the run and the input so the case can be replayed. The seed and the
 * number of runs come from FUZZ_SEED and FUZZ_RUNS (scripts/fuzz.sh sets them); the test command
 * leaves them unset and so runs the fixed seeds the tests pass.
 *
 * @module
 */
import { getEnv } from "../../runtime/mod.ts";

/** A source of random numbers in [0, 1). */
export interface Random {
  /** The next number in [0, 1). */
  next(): number;
}

/** Builds one value from a random source. */
export type Gen<T> = (random: Random) => T;

/** mulberry32: tiny, fast, and good enough to explore inputs; the same seed gives the same run. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** An integer in [min, max]. */
export function int(min: number, max: number): Gen<number> {
  return (random) => min + Math.floor(random.next() * (max - min + 1));
}

/** Always `value`. */
export function constant<T>(value: T): Gen<T> {
  return () => value;
}

/** One of the given values. */
export function pick<T>(values: readonly T[]): Gen<T> {
  return (random) => values[Math.floor(random.next() * values.length)];
}

/** One of the given generators, chosen uniformly. */
export function oneOf<T>(...gens: Gen<T>[]): Gen<T> {
  return (random) => gens[Math.floor(random.next() * gens.length)](random);
}

/** One of the given generators, chosen by weight. */
export function weighted<T>(...choices: [number, Gen<T>][]): Gen<T> {
  const total = choices.reduce((sum, [weight]) => sum + weight, 0);
  return (random) => {
    let roll = random.next() * total;
    for (const [weight, gen] of choices) {
      roll -= weight;
      if (roll < 0) return gen(random);
    }
    return choices[choices.length - 1][1](random);
  };
}

/** `gen`'s value passed through `map`. */
export function map<T, U>(gen: Gen<T>, fn: (value: T) => U): Gen<U> {
  return (random) => fn(gen(random));
}

/** Between `min` and `max` values of `gen`. */
export function array<T>(gen: Gen<T>, min: number, max: number): Gen<T[]> {
  const length = int(min, max);
  return (random) => Array.from({ length: length(random) }, () => gen(random));
}

/** A string of `min`..`max` characters drawn from `chars` (a string or a generator of pieces). */
export function string(chars: string | Gen<string>, min: number, max: number): Gen<string> {
  const piece = typeof chars === "string" ? pick([...chars]) : chars;
  return map(array(piece, min, max), (pieces) => pieces.join(""));
}

/** Any UTF-16 code unit, lone surrogates included: what a hostile peer's text can hold. */
export const anyChar: Gen<string> = weighted(
  [6, map(int(0x20, 0x7e), (code) => String.fromCharCode(code))],
  [2, map(int(0, 0x1f), (code) => String.fromCharCode(code))],
  [1, map(int(0x80, 0xffff), (code) => String.fromCharCode(code))],
  [1, pick(["😀", "é", "\u2028", "\ufeff", "\u0000", "\r\n"])],
);

/** Well-formed Unicode text (no lone surrogate), so it survives a UTF-8 round trip. */
export const wellFormedChar: Gen<string> = weighted(
  [6, map(int(0x20, 0x7e), (code) => String.fromCharCode(code))],
  [1, map(int(0, 0x1f), (code) => String.fromCharCode(code))],
  [1, map(int(0x80, 0xd7ff), (code) => String.fromCharCode(code))],
  [1, pick(["😀", "é", "\u2028", "\ufeff", "𝄞"])],
);

/** Random bytes. */
export function bytes(min: number, max: number): Gen<Uint8Array> {
  return map(array(int(0, 255), min, max), (values) => Uint8Array.from(values));
}

/** A JSON value up to `depth` levels deep, with awkward numbers and keys. */
export function jsonValue(depth: number = 3): Gen<unknown> {
  const key = oneOf(string(wellFormedChar, 0, 6), pick(["id", "method", "__proto__", "a", ""]));
  const leaf: Gen<unknown> = oneOf<unknown>(
    constant(null),
    pick([true, false]),
    pick([0, -0, 1, -1, 1e308, -1e-308, 0.1, 2 ** 53, 123456789]),
    map(int(-1e6, 1e6), (n) => n),
    string(wellFormedChar, 0, 12),
  );
  if (depth <= 0) return leaf;
  const inner = jsonValue(depth - 1);
  return weighted<unknown>(
    [3, leaf],
    [1, array(inner, 0, 4)],
    [
      1,
      map(array(array(oneOf(key, inner), 2, 2), 0, 4), (pairs) => {
        const object: Record<string, unknown> = {};
        for (const [k, v] of pairs) {
          Object.defineProperty(object, String(k), { value: v, enumerable: true, writable: true });
        }
        return object;
      }),
    ],
  );
}

/** `text` damaged a few times: characters flipped, dropped, duplicated or inserted from `chars`. */
export function mutate(text: string, chars: Gen<string> = anyChar): Gen<string> {
  return (random) => {
    let out = text;
    const edits = int(1, 4)(random);
    for (let i = 0; i < edits; i++) {
      const at = int(0, out.length)(random);
      switch (int(0, 3)(random)) {
        case 0:
          out = out.slice(0, at) + chars(random) + out.slice(at + 1);
          break;
        case 1:
          out = out.slice(0, at) + out.slice(at + 1);
          break;
        case 2:
          out = out.slice(0, at) + out.slice(at, at + int(1, 8)(random)) + out.slice(at);
          break;
        default:
          out = out.slice(0, at) + chars(random) + out.slice(at);
      }
    }
    return out;
  };
}

/** Cuts `data` into chunks at random places (some empty), as a network would. */
export function chunked(data: Uint8Array): Gen<Uint8Array[]> {
  return (random) => {
    const chunks: Uint8Array[] = [];
    let at = 0;
    while (at < data.length) {
      const size = int(0, Math.max(1, Math.ceil(data.length / 3)))(random);
      chunks.push(data.slice(at, at + size));
      at += size;
    }
    return chunks;
  };
}

/** Options of {@linkcode check}. */
export interface CheckOptions {
  /** Runs when FUZZ_RUNS is unset. */
  runs: number;
  /** Seed when FUZZ_SEED is unset. */
  seed?: number;
}

function envNumber(name: string): number | undefined {
  const text = getEnv(name);
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, not ${text}`);
  return value;
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array[${Array.from(value).join(",")}]`;
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Runs `property` on `runs` values of `gen`. A property fails by throwing (an assertion) or by
 * returning a rejected promise; the error thrown names the seed and the input, keeping the cause.
 */
export async function check<T>(
  name: string,
  gen: Gen<T>,
  property: (value: T) => void | Promise<void>,
  options: CheckOptions,
): Promise<void> {
  const seed = envNumber("FUZZ_SEED") ?? options.seed ?? 1;
  const runs = envNumber("FUZZ_RUNS") ?? options.runs;
  const random = seeded(seed);
  for (let run = 0; run < runs; run++) {
    const value = gen(random);
    try {
      await property(value);
    } catch (error) {
      const text = show(value);
      throw new Error(
        `${name}: failed at run ${run} with FUZZ_SEED=${seed}; input ${
          text.length > 2000 ? text.slice(0, 2000) + "…" : text
        }`,
        { cause: error },
      );
    }
  }
}
