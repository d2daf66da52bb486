import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  countUriMatchSteps,
  parseUriTemplate,
  type UriTemplateVariables,
} from "../../server/uri_template.ts";

// The variable set of RFC 6570 §3.2.
const rfcVariables: UriTemplateVariables = {
  count: ["one", "two", "three"],
  dom: ["example", "com"],
  dub: "me/too",
  hello: "Hello World!",
  half: "50%",
  var: "value",
  who: "fred",
  base: "http://example.com/home/",
  path: "/foo/bar",
  list: ["red", "green", "blue"],
  keys: { semi: ";", dot: ".", comma: "," },
  v: "6",
  x: "1024",
  y: "768",
  empty: "",
  empty_keys: {},
  undef: undefined,
};

function expandsAll(cases: [string, string][]): void {
  for (const [template, expected] of cases) {
    test(`${template} → ${expected}`, () => {
      assert.equal(parseUriTemplate(template).expand(rfcVariables), expected);
    });
  }
}

describe("expand: RFC 6570 §1.2 examples by level", () => {
  expandsAll([
    ["{var}", "value"],
    ["{hello}", "Hello%20World%21"],
    ["{+var}", "value"],
    ["{+hello}", "Hello%20World!"],
    ["{+path}/here", "/foo/bar/here"],
    ["here?ref={+path}", "here?ref=/foo/bar"],
    ["X{#var}", "X#value"],
    ["X{#hello}", "X#Hello%20World!"],
    ["map?{x,y}", "map?1024,768"],
    ["X{.x,y}", "X.1024.768"],
    ["{/var,x}/here", "/value/1024/here"],
    ["{;x,y}", ";x=1024;y=768"],
    ["{;x,y,empty}", ";x=1024;y=768;empty"],
    ["{?x,y,empty}", "?x=1024&y=768&empty="],
  ]);
});

describe("expand: §3.2.1 variable expansion", () => {
  expandsAll([
    ["{count}", "one,two,three"],
    ["{count*}", "one,two,three"],
    ["{/count}", "/one,two,three"],
    ["{/count*}", "/one/two/three"],
    ["{;count}", ";count=one,two,three"],
    ["{;count*}", ";count=one;count=two;count=three"],
    ["{?count}", "?count=one,two,three"],
    ["{?count*}", "?count=one&count=two&count=three"],
    ["{&count*}", "&count=one&count=two&count=three"],
  ]);
});

describe("expand: §3.2.2 simple string expansion", () => {
  expandsAll([
    ["{var}", "value"],
    ["{hello}", "Hello%20World%21"],
    ["{half}", "50%25"],
    ["O{empty}X", "OX"],
    ["O{undef}X", "OX"],
    ["{x,y}", "1024,768"],
    ["{x,hello,y}", "1024,Hello%20World%21,768"],
    ["?{x,empty}", "?1024,"],
    ["?{x,undef}", "?1024"],
    ["?{undef,y}", "?768"],
    ["{var:3}", "val"],
    ["{var:30}", "value"],
    ["{list}", "red,green,blue"],
    ["{list*}", "red,green,blue"],
    ["{keys}", "semi,%3B,dot,.,comma,%2C"],
    ["{keys*}", "semi=%3B,dot=.,comma=%2C"],
  ]);
});

describe("expand: §3.2.3 reserved expansion", () => {
  expandsAll([
    ["{+var}", "value"],
    ["{+hello}", "Hello%20World!"],
    ["{+half}", "50%25"],
    ["{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"],
    ["{+base}index", "http://example.com/home/index"],
    ["O{+empty}X", "OX"],
    ["O{+undef}X", "OX"],
    ["{+path}/here", "/foo/bar/here"],
    ["here?ref={+path}", "here?ref=/foo/bar"],
    ["up{+path}{var}/here", "up/foo/barvalue/here"],
    ["{+x,hello,y}", "1024,Hello%20World!,768"],
    ["{+path,x}/here", "/foo/bar,1024/here"],
    ["{+path:6}/here", "/foo/b/here"],
    ["{+list}", "red,green,blue"],
    ["{+list*}", "red,green,blue"],
    ["{+keys}", "semi,;,dot,.,comma,,"],
    ["{+keys*}", "semi=;,dot=.,comma=,"],
  ]);
});

describe("expand: §3.2.4 fragment expansion", () => {
  expandsAll([
    ["{#var}", "#value"],
    ["{#hello}", "#Hello%20World!"],
    ["{#half}", "#50%25"],
    ["foo{#empty}", "foo#"],
    ["foo{#undef}", "foo"],
    ["{#x,hello,y}", "#1024,Hello%20World!,768"],
    ["{#path,x}/here", "#/foo/bar,1024/here"],
    ["{#path:6}/here", "#/foo/b/here"],
    ["{#list}", "#red,green,blue"],
    ["{#list*}", "#red,green,blue"],
    ["{#keys}", "#semi,;,dot,.,comma,,"],
    ["{#keys*}", "#semi=;,dot=.,comma=,"],
  ]);
});

describe("expand: §3.2.5 label expansion", () => {
  expandsAll([
    ["{.who}", ".fred"],
    ["{.who,who}", ".fred.fred"],
    ["{.half,who}", ".50%25.fred"],
    ["www{.dom*}", "www.example.com"],
    ["X{.var}", "X.value"],
    ["X{.empty}", "X."],
    ["X{.undef}", "X"],
    ["X{.var:3}", "X.val"],
    ["X{.list}", "X.red,green,blue"],
    ["X{.list*}", "X.red.green.blue"],
    ["X{.keys}", "X.semi,%3B,dot,.,comma,%2C"],
    ["X{.keys*}", "X.semi=%3B.dot=..comma=%2C"],
    ["X{.empty_keys}", "X"],
    ["X{.empty_keys*}", "X"],
  ]);
});

describe("expand: §3.2.6 path segment expansion", () => {
  expandsAll([
    ["{/who}", "/fred"],
    ["{/who,who}", "/fred/fred"],
    ["{/half,who}", "/50%25/fred"],
    ["{/who,dub}", "/fred/me%2Ftoo"],
    ["{/var}", "/value"],
    ["{/var,empty}", "/value/"],
    ["{/var,undef}", "/value"],
    ["{/var,x}/here", "/value/1024/here"],
    ["{/var:1,var}", "/v/value"],
    ["{/list}", "/red,green,blue"],
    ["{/list*}", "/red/green/blue"],
    ["{/list*,path:4}", "/red/green/blue/%2Ffoo"],
    ["{/keys}", "/semi,%3B,dot,.,comma,%2C"],
    ["{/keys*}", "/semi=%3B/dot=./comma=%2C"],
  ]);
});

describe("expand: §3.2.7 path-style parameter expansion", () => {
  expandsAll([
    ["{;who}", ";who=fred"],
    ["{;half}", ";half=50%25"],
    ["{;empty}", ";empty"],
    ["{;v,empty,who}", ";v=6;empty;who=fred"],
    ["{;v,bar,who}", ";v=6;who=fred"],
    ["{;x,y}", ";x=1024;y=768"],
    ["{;x,y,empty}", ";x=1024;y=768;empty"],
    ["{;x,y,undef}", ";x=1024;y=768"],
    ["{;hello:5}", ";hello=Hello"],
    ["{;list}", ";list=red,green,blue"],
    ["{;list*}", ";list=red;list=green;list=blue"],
    ["{;keys}", ";keys=semi,%3B,dot,.,comma,%2C"],
    ["{;keys*}", ";semi=%3B;dot=.;comma=%2C"],
  ]);
});

describe("expand: §3.2.8 form-style query expansion", () => {
  expandsAll([
    ["{?who}", "?who=fred"],
    ["{?half}", "?half=50%25"],
    ["{?x,y}", "?x=1024&y=768"],
    ["{?x,y,empty}", "?x=1024&y=768&empty="],
    ["{?x,y,undef}", "?x=1024&y=768"],
    ["{?var:3}", "?var=val"],
    ["{?list}", "?list=red,green,blue"],
    ["{?list*}", "?list=red&list=green&list=blue"],
    ["{?keys}", "?keys=semi,%3B,dot,.,comma,%2C"],
    ["{?keys*}", "?semi=%3B&dot=.&comma=%2C"],
  ]);
});

describe("expand: §3.2.9 form-style query continuation", () => {
  expandsAll([
    ["{&who}", "&who=fred"],
    ["{&half}", "&half=50%25"],
    ["?fixed=yes{&x}", "?fixed=yes&x=1024"],
    ["{&x,y,empty}", "&x=1024&y=768&empty="],
    ["{&var:3}", "&var=val"],
    ["{&list}", "&list=red,green,blue"],
    ["{&list*}", "&list=red&list=green&list=blue"],
    ["{&keys}", "&keys=semi,%3B,dot,.,comma,%2C"],
    ["{&keys*}", "&semi=%3B&dot=.&comma=%2C"],
  ]);
});

describe("expand: encoding details", () => {
  test("encodes non-ASCII as UTF-8 and counts prefix length in characters", () => {
    const template = parseUriTemplate("{name}/{name:2}");
    assert.equal(template.expand({ name: "é🎉x" }), "%C3%A9%F0%9F%8E%89x/%C3%A9%F0%9F%8E%89");
  });

  test("keeps existing percent-triplets only for + and #", () => {
    assert.equal(parseUriTemplate("{+a}{#a}").expand({ a: "%41%zz" }), "%41%25zz#%41%25zz");
    assert.equal(parseUriTemplate("{a}").expand({ a: "%41" }), "%2541");
  });

  test("encodes literal characters that are not allowed in a URI", () => {
    assert.equal(parseUriTemplate("a b%20{x}").expand({ x: "1" }), "a%20b%201");
  });

  test("treats a missing variable as undefined", () => {
    assert.equal(parseUriTemplate("x{?a,b}").expand({ b: "2" }), "x?b=2");
  });
});

describe("parseUriTemplate: errors and metadata", () => {
  test("rejects malformed templates", () => {
    for (const bad of ["{", "{a", "{}", "{a{b}", "{!a}", "{=a}", "{a b}", "{a:0}", "{a:10000}"]) {
      assert.throws(() => parseUriTemplate(bad), SyntaxError, bad);
    }
  });

  test("lists variable names once each, in order", () => {
    const template = parseUriTemplate("{a}/{+b}{/c*,a}{?d,e:3}");
    assert.deepEqual(template.variableNames, ["a", "b", "c", "d", "e"]);
    assert.equal(template.template, "{a}/{+b}{/c*,a}{?d,e:3}");
  });
});

describe("match", () => {
  test("extracts simple variables", () => {
    assert.deepEqual(parseUriTemplate("users://{id}/profile").match("users://42/profile"), {
      id: "42",
    });
  });

  test("does not let a simple variable cross a slash", () => {
    assert.equal(parseUriTemplate("files://{name}").match("files://a/b"), null);
  });

  test("lets reserved and fragment variables contain reserved characters", () => {
    assert.deepEqual(parseUriTemplate("file:///{+path}").match("file:///a/b/c.txt"), {
      path: "a/b/c.txt",
    });
    assert.deepEqual(parseUriTemplate("doc://x{#section}").match("doc://x#a/b?c"), {
      section: "a/b?c",
    });
  });

  test("collects exploded path segments into a list", () => {
    const template = parseUriTemplate("repo://{owner}/tree{/path*}");
    assert.deepEqual(template.match("repo://emcee/tree/src/a%2Fb/c.ts"), {
      owner: "emcee",
      path: ["src", "a/b", "c.ts"],
    });
    assert.deepEqual(template.match("repo://emcee/tree"), { owner: "emcee" });
  });

  test("collects exploded labels and simple lists", () => {
    assert.deepEqual(parseUriTemplate("www{.dom*}").match("www.example.com"), {
      dom: ["example", "com"],
    });
    assert.deepEqual(parseUriTemplate("x/{list*}").match("x/a,b"), { list: ["a", "b"] });
  });

  test("accepts query parameters in any order, optional, ignoring unknown ones", () => {
    const template = parseUriTemplate("search://items{?q,page}{&sort}");
    assert.deepEqual(template.match("search://items?sort=asc&page=2&q=a%20b&extra=1"), {
      q: "a b",
      page: "2",
      sort: "asc",
    });
    assert.deepEqual(template.match("search://items?page=3"), { page: "3" });
    assert.deepEqual(template.match("search://items"), {});
  });

  test("reads continuation parameters after a literal query", () => {
    assert.deepEqual(parseUriTemplate("/list?fixed=yes{&x,y}").match("/list?fixed=yes&y=2"), {
      y: "2",
    });
  });

  test("collects repeated exploded query parameters", () => {
    assert.deepEqual(parseUriTemplate("/t{?tag*}").match("/t?tag=a&tag=b"), { tag: ["a", "b"] });
  });

  test("reads path-style parameters, empty ones included", () => {
    assert.deepEqual(parseUriTemplate("/m{;x,y,empty}").match("/m;y=768;empty;x=1024"), {
      x: "1024",
      y: "768",
      empty: "",
    });
  });

  test("round-trips expansion for every operator", () => {
    const cases: [string, UriTemplateVariables][] = [
      ["api://{a}/{b}", { a: "x y", b: "ü" }],
      ["api://{a,b}", { a: "1", b: "2" }],
      ["api://{+a}/end", { a: "p/q?r" }],
      ["api://{+a,b}/end", { a: "/p/q", b: "z" }],
      ["api://x{#f}", { f: "frag/ment" }],
      ["api://x{.ext}", { ext: "json" }],
      ["api://x{/a,b}", { a: "1", b: "two" }],
      ["api://x{/seg*}", { seg: ["a", "b c", "d"] }],
      ["api://x{;p,q}", { p: "1", q: "" }],
      ["api://x{?q,n}", { q: "a&b=c", n: "5" }],
      ["api://x{?tags*}", { tags: ["a", "b"] }],
      ["api://x?k=v{&a}", { a: "é" }],
    ];
    for (const [text, variables] of cases) {
      const template = parseUriTemplate(text);
      assert.deepEqual(template.match(template.expand(variables)), variables, text);
    }
  });

  test("returns null when literals differ", () => {
    const template = parseUriTemplate("users://{id}/profile");
    assert.equal(template.match("users://42/settings"), null);
    assert.equal(template.match("groups://42/profile"), null);
    assert.equal(template.match("users://42/profile/extra"), null);
  });

  test("returns null for malformed percent-encoding", () => {
    assert.equal(parseUriTemplate("x://{id}").match("x://%E0%A4%A"), null);
  });

  test("does not treat regular-expression characters in literals specially", () => {
    const template = parseUriTemplate("a.b+c://{id}");
    assert.deepEqual(template.match("a.b+c://1"), { id: "1" });
    assert.equal(template.match("aXb+c://1"), null);
  });

  test("rejects a fragment where the template has a query", () => {
    assert.equal(parseUriTemplate("x://y{?q}").match("x://y#q=1"), null);
  });
});

describe("match: bounded work", () => {
  const template = "log://{y}-{m}-{d}";
  const dashes = (n: number, tail = "") => "log://" + "-".repeat(n) + tail;

  // Counted in matcher steps, not timed: the old backtracking matcher took 2–6 s here.
  test("adjacent expressions over 2,000 dashes: steps linear in the URI", () => {
    for (const tail of ["", "/"]) {
      const uri = dashes(2000, tail);
      const steps = countUriMatchSteps(template, uri);
      assert.ok(steps <= 40 * uri.length, `${steps} steps for ${uri.length} characters`);
      // Twice the URI, about twice the steps: no hidden quadratic term.
      const doubled = countUriMatchSteps(template, dashes(4000, tail));
      assert.ok(doubled <= 2.1 * steps, `${steps} steps, then ${doubled} for twice the length`);
      const matched = parseUriTemplate(template).match(uri);
      // A backtracking matcher's answer: the first variable as long as it can be.
      assert.deepEqual(matched, tail === "" ? { y: "-".repeat(1998), m: "", d: "" } : null);
    }
  });

  test("reserved, fragment and query expressions stay linear too", () => {
    const cases: [string, string][] = [
      ["x://{+a}{+b}{+c}/z", "x://" + "a/".repeat(2000)],
      ["x://{#a}{b}{c}{d}", "x://#" + "-".repeat(4000) + "#"],
      ["x://{a}{?q,r}{&s}", "x://a" + "?q=1&".repeat(800) + "#"],
    ];
    for (const [text, uri] of cases) {
      const steps = countUriMatchSteps(text, uri);
      assert.ok(steps <= 60 * uri.length, `${text}: ${steps} steps for ${uri.length} characters`);
    }
  });
});

describe("match: a non-reserved value holds no reserved character expansion would encode", () => {
  test("{a}{;b}: a raw ';' starts the parameters, it is not part of a", () => {
    const template = parseUriTemplate("res://{a}{;b}");
    assert.deepEqual(template.match("res://x;b=1"), { a: "x", b: "1" });
    assert.deepEqual(template.match("res://x%3By;b=1"), { a: "x;y", b: "1" });
    assert.deepEqual(template.match(template.expand({ a: "p;b=q", b: "r" })), {
      a: "p;b=q",
      b: "r",
    });
  });

  test("a simple value with a raw reserved character does not match", () => {
    const template = parseUriTemplate("users://{id}/profile");
    for (const id of ["a;b", "a&b", "a=b", "a:b", "a@b", "a!b", "a'b", "a(b)", "a*b", "a+b"]) {
      assert.equal(template.match(`users://${id}/profile`), null, id);
      assert.deepEqual(template.match(template.expand({ id })), { id }, id);
    }
  });

  test("what an expansion writes itself still matches: list commas, exploded '=' and separators", () => {
    assert.deepEqual(parseUriTemplate("x/{list}").match("x/a,b"), { list: "a,b" });
    assert.deepEqual(parseUriTemplate("x/{keys*}").match("x/k=v,l=w"), { keys: ["k=v", "l=w"] });
    assert.deepEqual(parseUriTemplate("x{/keys*}").match("x/k=v/l=w"), { keys: ["k=v", "l=w"] });
    assert.deepEqual(parseUriTemplate("x{.keys*}").match("x.k=v.l=w"), { keys: ["k=v", "l=w"] });
    assert.equal(parseUriTemplate("x/{a,b}").match("x/1,2,3"), null);
  });

  test("reserved and fragment expressions still take reserved characters", () => {
    assert.deepEqual(parseUriTemplate("res://{+a}").match("res://x;b=1&c@d"), { a: "x;b=1&c@d" });
    assert.deepEqual(parseUriTemplate("res://x{#a}").match("res://x#p:q;r"), { a: "p:q;r" });
  });
});
