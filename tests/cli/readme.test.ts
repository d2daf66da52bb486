import { test } from "node:test";
import assert from "node:assert/strict";
import { fromFileUrl, readTextFile } from "../../runtime/mod.ts";
import { settingsMarkdownTable } from "../../cli/help.ts";
import { SETTINGS } from "../../cli/settings.ts";

/** Table rows as lists of trimmed cells, the separator row left out (the formatter pads it). */
function rows(markdown: string): string[][] {
  return markdown.split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split("|").map((cell) => cell.trim()));
}

test("the README's settings table is the one the settings schema generates", async () => {
  const readme = await readTextFile(fromFileUrl(new URL("../../README.md", import.meta.url)));
  const expected = rows(settingsMarkdownTable(SETTINGS));
  const start = readme.indexOf("| Flag ");
  assert.ok(start >= 0, "the README has a settings table");
  const table = readme.slice(start, readme.indexOf("\n\n", start));
  assert.deepEqual(rows(table), expected);
});
