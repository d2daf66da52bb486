import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import {
  McpServer,
  parseUriTemplate,
  type TemplateVariableName,
  type TemplateVariables,
} from "../../server/mod.ts";
import { modern } from "./helpers.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

/** Compiles only while `A` and `B` are the same type; `deno check` fails otherwise. */
function sameType<A, B>(proof: Equal<A, B>): void {
  assert.equal(proof, true);
}

describe("template variables typed from the template string", () => {
  test("simple, reserved, query, path, fragment, label, parameter, prefix and explode", () => {
    sameType<TemplateVariables<"greeting://{name}">, { name: string }>(true);
    sameType<
      TemplateVariables<"files://{+path}{?q,lang}">,
      { path: string; q?: string; lang?: string }
    >(true);
    sameType<
      TemplateVariables<"repo://{owner}/{repo}{/segments*}{#section}{.ext}{;v}{&page}{a,b}{id:3}">,
      {
        owner: string;
        repo: string;
        segments?: string[];
        section?: string;
        ext?: string;
        v?: string;
        page?: string;
        a: string;
        b?: string;
        id: string;
      }
    >(true);
    sameType<TemplateVariables<"x://{a}{?a}">, { a: string }>(true);
    // deno-lint-ignore ban-types
    sameType<TemplateVariables<"plain://nothing">, {}>(true);
    sameType<TemplateVariables<string>, { [name: string]: string | string[] }>(true);
    sameType<TemplateVariableName<"x://{a}{?b,c*}">, "a" | "b" | "c">(true);
    // @ts-expect-error `name` is a string, not optional
    sameType<TemplateVariables<"greeting://{name}">, { name?: string }>(true);
  });

  test("the reader's variables are typed, and what the matcher yields agrees", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const seen: JsonObject[] = [];
    server.resourceTemplate({
      uriTemplate: "greeting://{name}{?lang,tags*}",
      name: "greeting",
      complete: { lang: () => ["en", "fr"] },
      read: (uri, variables) => {
        sameType<typeof variables, { name: string; lang?: string; tags?: string[] }>(true);
        seen.push(variables as JsonObject);
        const { name, lang } = variables;
        return `${lang === "fr" ? "Bonjour" : "Hello"} ${name.toUpperCase()} (${uri})`;
      },
    });
    server.resourceTemplate({
      uriTemplate: "files://{+path}",
      name: "file",
      // @ts-expect-error `size` is not a variable of the template
      complete: { size: () => [] },
      // @ts-expect-error `path` is a string, not a list
      read: (_uri, { path }: { path: string[] }) => path.join("/"),
    });
    const response = await server.handleRequest(
      modern("resources/read", { uri: "greeting://ada?lang=fr&tags=a&tags=b" }),
    );
    assert.ok("result" in response, JSON.stringify(response));
    assert.deepEqual(response.result.contents, [{
      uri: "greeting://ada?lang=fr&tags=a&tags=b",
      text: "Bonjour ADA (greeting://ada?lang=fr&tags=a&tags=b)",
    }]);
    assert.deepEqual(seen, [{ name: "ada", lang: "fr", tags: ["a", "b"] }]);
  });

  test("a required variable is always matched; an optional one may be missing", () => {
    const template = parseUriTemplate("repo://{owner}{/path*}{#section}{?q}");
    assert.deepEqual(template.match("repo://"), { owner: "" });
    assert.deepEqual(template.match("repo://emcee"), { owner: "emcee" });
    assert.deepEqual(template.match("repo://emcee/a/b?q=1"), {
      owner: "emcee",
      path: ["a", "b"],
      q: "1",
    });
    assert.deepEqual(template.match("repo://emcee/a/b#top?q=1"), {
      owner: "emcee",
      path: ["a", "b"],
      section: "top",
      q: "1",
    });
  });
});
