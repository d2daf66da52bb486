/**
 * The header part of the malformed-request corpus of scripts/hardening_figures.ts:
 * Mcp-Method/Mcp-Name/Mcp-Param mistakes, media types, protocol versions and session ids.
 *
 * @module
 */
import {
  array,
  type Gen,
  int,
  pick,
  type Random,
  string,
  wellFormedChar,
} from "../../tests/fuzz/generate.ts";
import { type Case, jsonCase } from "./case.ts";
import { LEGACY, META, MODERN } from "./client.ts";

/** Header mistakes: Mcp-Method/Mcp-Name/Mcp-Param, versions, media types, sessions. */
export function headerMistakes(
  era: "modern" | "legacy",
  random: Random,
  nextId: () => number,
): Case[] {
  const cases: Case[] = [];
  const call = (name: string, args: unknown) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: nextId(),
      method: "tools/call",
      params: { name, arguments: args, ...(era === "modern" ? { _meta: META } : {}) },
    });
  const media = [
    "text/plain",
    "application/jsonx",
    "application/json; charset=latin1",
    "application/json;;",
    "",
    "*/*",
    "application/*",
    "multipart/form-data; boundary=x",
    'application/json; q="',
    "json",
    "application/json, text/plain",
    "application/x-www-form-urlencoded",
    "text/event-stream",
    "application/json\u00e9",
    "APPLICATION/JSON",
    "application/json ; charset=utf-8",
  ];
  for (const type of media) {
    cases.push({
      ...jsonCase("media types", era, call("add", { numbers: [1] }), "tools/call", "add", {
        "content-type": type,
      }),
    });
  }
  const accepts = [
    "text/html",
    "",
    "application/json",
    "text/event-stream",
    "*/*",
    "application/json;q=0",
    "garbage;;;",
    "application/*, text/*",
  ];
  for (const accept of accepts) {
    cases.push(
      jsonCase("media types", era, call("add", { numbers: [1] }), "tools/call", "add", { accept }),
    );
  }
  cases.push(
    jsonCase("media types", era, call("add", { numbers: [1] }), "tools/call", "add", {
      "content-type": null,
    }),
  );
  cases.push(
    jsonCase("media types", era, call("add", { numbers: [1] }), "tools/call", "add", {
      accept: null,
    }),
  );
  const versions = [
    "2099-01-01",
    "",
    "2026-07-28, 2025-11-25",
    "latest",
    "2025-11-25\u0000",
    "1",
    era === "modern" ? LEGACY : MODERN,
  ];
  for (const version of versions) {
    cases.push(
      jsonCase("versions and sessions", era, call("add", { numbers: [1] }), "tools/call", "add", {
        "mcp-protocol-version": version,
      }),
    );
  }
  if (era === "legacy") {
    for (
      const session of [
        "",
        "nope",
        "x".repeat(5000),
        "é",
        "00000000-0000-0000-0000-000000000000",
        "a b",
      ]
    ) {
      cases.push(
        jsonCase("versions and sessions", era, call("add", { numbers: [1] }), "tools/call", "add", {
          "mcp-session-id": session,
        }),
      );
    }
    cases.push(
      jsonCase("versions and sessions", era, call("add", { numbers: [1] }), "tools/call", "add", {
        "mcp-session-id": null,
      }),
    );
    return cases;
  }
  // Mcp-Method / Mcp-Name disagreeing with the body, and bad Mcp-Param values.
  for (const method of ["", "tools/list", "TOOLS/CALL", "tools/call ", "x".repeat(5000)]) {
    cases.push(
      jsonCase("Mcp-* headers", era, call("add", { numbers: [1] }), "tools/call", "add", {
        "mcp-method": method,
      }),
    );
  }
  cases.push(
    jsonCase("Mcp-* headers", era, call("add", { numbers: [1] }), "tools/call", "add", {
      "mcp-method": null,
    }),
  );
  for (
    const name of ["", "echo", "ADD", "add ", "=?base64?YWRk?=", "=?base64?!!!?=", "x".repeat(5000)]
  ) {
    cases.push(
      jsonCase("Mcp-* headers", era, call("add", { numbers: [1] }), "tools/call", "add", {
        "mcp-name": name,
      }),
    );
  }
  cases.push(
    jsonCase("Mcp-* headers", era, call("add", { numbers: [1] }), "tools/call", "add", {
      "mcp-name": null,
    }),
  );
  const paramValues = [
    "",
    "abc",
    "1e400",
    "3.5",
    "-0",
    " 3",
    "3 ",
    "4",
    "+3",
    "0x3",
    "123456789012345678901234567890",
    "=?base64?Mw==?=",
    "=?base64?***?=",
    "=?base64?",
    "é",
    "3,3",
    "null",
  ];
  const randomHeader: Gen<string> = string(pick([..."0123456789+-.eE =?base64abc"]), 0, 12);
  for (let i = 0; i < 80; i++) {
    const value = i < paramValues.length ? paramValues[i] : randomHeader(random).trim();
    const size = i % 3 === 0 ? 3 : int(-5, 5)(random);
    cases.push(
      jsonCase("Mcp-* headers", era, call("sized", { size }), "tools/call", "sized", {
        "mcp-param-size": value,
      }),
    );
  }
  cases.push(
    jsonCase("Mcp-* headers", era, call("sized", { size: 3 }), "tools/call", "sized", {
      "mcp-param-size": null,
    }),
  );
  const texts = array(wellFormedChar, 0, 8);
  for (let i = 0; i < 20; i++) {
    cases.push(
      jsonCase(
        "Mcp-* headers",
        era,
        call("echo", { text: texts(random).join("") }),
        "tools/call",
        "echo",
        { "mcp-param-text": "x" },
      ),
    );
  }
  return cases;
}
