/**
 * Opening the browser: the command per platform takes the URL as one argument (no shell, so
 * the `&`s of an authorization URL are not re-read), and only http(s) URLs are opened.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { browserCommand, openUrl } from "../../runtime/mod.ts";

const URL_WITH_QUERY = "https://auth.example.com/authorize?client_id=a&state=b%26c&scope=x%20y";

describe("browserCommand", () => {
  test("xdg-open, open and rundll32, each with the URL as its own argument", () => {
    assert.deepEqual(browserCommand(URL_WITH_QUERY, "other"), {
      command: "xdg-open",
      args: [URL_WITH_QUERY],
    });
    assert.deepEqual(browserCommand(new URL(URL_WITH_QUERY), "macos"), {
      command: "open",
      args: [URL_WITH_QUERY],
    });
    assert.deepEqual(browserCommand(URL_WITH_QUERY, "windows"), {
      command: "rundll32",
      args: ["url.dll,FileProtocolHandler", URL_WITH_QUERY],
    });
  });

  test("the URL is normalised, so nothing unencoded reaches the opener", () => {
    const { args } = browserCommand('http://127.0.0.1:8000/a b?x="y"', "other");
    assert.deepEqual(args, ["http://127.0.0.1:8000/a%20b?x=%22y%22"]);
  });

  test("anything but http and https is refused, and nothing is started", async () => {
    for (const url of ["file:///etc/passwd", "javascript:alert(1)", "ms-settings:x"]) {
      assert.throws(() => browserCommand(url, "windows"), TypeError);
      await assert.rejects(openUrl(url), TypeError);
    }
    assert.throws(() => browserCommand("not a url"), TypeError);
  });
});
