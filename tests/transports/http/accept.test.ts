/**
 * The one Accept policy of the HTTP transports: case-insensitive media
 * ranges, wildcards, the most specific range deciding, q=0 refusing, and no
 * header meaning anything.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { accepts, acceptsMediaType } from "../../../transports/http/accept.ts";

const SSE = "text/event-stream";
const JSON_TYPE = "application/json";

describe("acceptsMediaType", () => {
  test("no header, an empty one, or only separators accepts anything", () => {
    assert.equal(acceptsMediaType(null, SSE), true);
    assert.equal(acceptsMediaType("", SSE), true);
    assert.equal(acceptsMediaType(" , ", SSE), true);
  });

  test("the exact type matches whatever its casing, among other ranges", () => {
    for (
      const header of [
        "text/event-stream",
        "Text/Event-Stream",
        "TEXT/EVENT-STREAM",
        "application/json, text/event-stream",
        "application/json,Text/Event-Stream",
        "  text/event-stream ; charset=utf-8 ",
        "application/json;q=0.9, tExT/eVeNt-StReAm;q=0.5",
      ]
    ) {
      assert.equal(acceptsMediaType(header, SSE), true, header);
    }
    assert.equal(acceptsMediaType("Application/JSON", JSON_TYPE), true);
  });

  test("*/*, text/* and application/* are wildcards for their types only", () => {
    assert.equal(acceptsMediaType("*/*", SSE), true);
    assert.equal(acceptsMediaType("*/*", JSON_TYPE), true);
    assert.equal(acceptsMediaType("text/*", SSE), true);
    assert.equal(acceptsMediaType("TEXT/*", SSE), true);
    assert.equal(acceptsMediaType("application/*", JSON_TYPE), true);
    assert.equal(acceptsMediaType("Application/*", JSON_TYPE), true);
    assert.equal(acceptsMediaType("application/*", SSE), false);
    assert.equal(acceptsMediaType("text/*", JSON_TYPE), false);
    assert.equal(acceptsMediaType("image/png, application/xml", SSE), false);
  });

  test("other types, and look-alikes, do not match", () => {
    assert.equal(acceptsMediaType("application/json", SSE), false);
    assert.equal(acceptsMediaType("text/event-streams", SSE), false);
    assert.equal(acceptsMediaType("text/event", SSE), false);
    assert.equal(acceptsMediaType("xtext/*", SSE), false);
    assert.equal(acceptsMediaType("*", SSE), false);
  });

  test("q=0 refuses, and the most specific matching range decides", () => {
    assert.equal(acceptsMediaType("text/event-stream;q=0", SSE), false);
    assert.equal(acceptsMediaType("text/event-stream; Q=0.000", SSE), false);
    assert.equal(acceptsMediaType("text/event-stream;q=0.001", SSE), true);
    assert.equal(acceptsMediaType("*/*, text/event-stream;q=0", SSE), false);
    assert.equal(acceptsMediaType("text/event-stream;q=0, */*", SSE), false);
    assert.equal(acceptsMediaType("*/*;q=0, text/event-stream", SSE), true);
    assert.equal(acceptsMediaType("text/*;q=0, */*", SSE), false);
    assert.equal(acceptsMediaType("text/*;charset=utf-8;q=0", SSE), false);
  });

  test("accepts reads the request's Accept header", () => {
    const request = (accept?: string) =>
      new Request("http://127.0.0.1/mcp", accept === undefined ? {} : { headers: { accept } });
    assert.equal(accepts(request(), SSE), true);
    assert.equal(accepts(request("Text/Event-Stream"), SSE), true);
    assert.equal(accepts(request("*/*"), SSE), true);
    assert.equal(accepts(request("application/json"), SSE), false);
  });
});
