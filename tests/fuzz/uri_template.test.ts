/**
 * Fuzzing URI templates (server/uri_template.ts): any template text parses or throws SyntaxError;
 * expand and match never throw; what a template expands to, it matches back to the same values.
 * URIs are kept short here; matching time on long URIs is bounded in
 * tests/server/uri_template.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUriTemplate, type UriTemplateVariables } from "../../server/uri_template.ts";
import {
  anyChar,
  array,
  check,
  type Gen,
  map,
  mutate,
  oneOf,
  pick,
  string,
  weighted,
  wellFormedChar,
} from "./generate.ts";

const OPERATORS = ["", "+", "#", ".", "/", ";", "?", "&", "=", ",", "!", "@", "|"];
const varName = weighted([5, string("abcXY_0.%2", 1, 4)], [1, string(anyChar, 0, 3)]);
const expression: Gen<string> = (random) => {
  const specs = array(
    (r) => varName(r) + pick(["", "", "*", ":3", ":0", ":10000", ":x"])(r),
    1,
    3,
  )(random);
  return "{" + pick(OPERATORS)(random) + specs.join(",") + "}";
};
const templateText: Gen<string> = oneOf(
  map(array(oneOf(expression, string("res:/ab-.%20", 0, 4)), 0, 5), (parts) => parts.join("")),
  (random) => mutate("file:///{dir}/{+path}{?q,r*}{#frag}")(random),
  string(weighted([3, pick([..."{}+#./;?&,*:"])], [2, anyChar]), 0, 20),
);

const value: Gen<UriTemplateVariables[string]> = oneOf<UriTemplateVariables[string]>(
  string(anyChar, 0, 6),
  array(string(wellFormedChar, 0, 4), 0, 3),
  map(array(string("abc", 1, 2), 0, 2), (keys) => Object.fromEntries(keys.map((k) => [k, k]))),
  () => undefined,
);

test("any template text parses or throws SyntaxError; expand and match never throw", async () => {
  await check("uri template", (random) => ({
    text: templateText(random),
    vars: Object.fromEntries(array((r) => [varName(r), value(r)] as const, 0, 4)(random)),
    uri: oneOf(string(anyChar, 0, 30), mutate("file:///a/b%20c?q=1&r=2#x"))(random),
  }), ({ text, vars, uri }) => {
    let template;
    try {
      template = parseUriTemplate(text);
    } catch (error) {
      assert.ok(error instanceof SyntaxError, `threw ${error}`);
      assert.ok(error.message.includes("URI template"));
      return;
    }
    let expanded: string;
    try {
      expanded = template.expand(vars);
    } catch (error) {
      // Lone surrogates cannot be percent-encoded as UTF-8: the one way expand may refuse.
      assert.ok(error instanceof URIError, `expand threw ${error}`);
      return;
    }
    assert.equal(typeof expanded, "string");
    const matched = template.match(uri);
    assert.ok(matched === null || typeof matched === "object");
    const again = template.match(expanded);
    assert.ok(again === null || typeof again === "object");
  }, { runs: 3000, seed: 31 });
});

// Templates whose variables are separated by delimiters their values cannot contain unencoded,
// so the expansion is unambiguous and must match back to exactly the values expanded.
const SHAPES: { template: string; names: string[] }[] = [
  { template: "res://{a}", names: ["a"] },
  { template: "res://{a}/{b}", names: ["a", "b"] },
  { template: "res://x{/a,b}", names: ["a", "b"] },
  { template: "res://{a}{?b,c}", names: ["a", "b", "c"] },
  { template: "res://{a}{;b}", names: ["a", "b"] },
  { template: "res://{a}/{+b}", names: ["a", "b"] },
  { template: "res://{a}{#b}", names: ["a", "b"] },
];

test("expand → match returns the values expanded", async () => {
  const text = string(weighted([4, wellFormedChar], [1, pick([..."/?#,;=&%+ "])]), 1, 8);
  await check("uri round trip", (random) => {
    const shape = pick(SHAPES)(random);
    const vars: Record<string, string> = {};
    for (const name of shape.names) vars[name] = text(random);
    return { shape, vars };
  }, ({ shape, vars }) => {
    const template = parseUriTemplate(shape.template);
    const uri = template.expand(vars);
    const plainB = !/[+#]b/.test(shape.template) || !/[,/?#%]/.test(vars.b ?? "");
    if (!plainB) return; // a reserved expansion keeps delimiters and %XX as they are
    assert.deepEqual(template.match(uri), vars, uri);
  }, { runs: 2000, seed: 32 });
});
