/** The descriptor limit that serveHttp keeps its connection cap under. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  connectionsUnderLimit,
  isDescriptorExhaustion,
  parseDescriptorLimit,
  readDescriptorLimit,
} from "../../runtime/descriptor_limit.ts";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             127431               127431               processes
Max open files            256                  1048576              files
`;

test("the soft 'Max open files' limit is read from /proc/self/limits text", async () => {
  assert.equal(parseDescriptorLimit(LIMITS), 256);
  assert.equal(parseDescriptorLimit("Max open files  unlimited  unlimited  files\n"), undefined);
  assert.equal(await readDescriptorLimit(() => Promise.resolve(LIMITS)), 256);
  assert.equal(await readDescriptorLimit(() => Promise.reject(new Error("no"))), undefined);
});

test("the cap leaves an eighth of the descriptors, at least 64, for everything else", () => {
  assert.equal(connectionsUnderLimit(900, 256), 192);
  assert.equal(connectionsUnderLimit(900, 1024), 896);
  assert.equal(connectionsUnderLimit(900, 65536), 900);
  assert.equal(connectionsUnderLimit(900, undefined), 900);
  assert.equal(connectionsUnderLimit(900, 10), 1);
});

test("running out of descriptors is told apart from other accept errors", () => {
  assert.equal(isDescriptorExhaustion(Object.assign(new Error("x"), { code: "EMFILE" })), true);
  assert.equal(isDescriptorExhaustion(new Error("Too many open files (os error 24)")), true);
  assert.equal(isDescriptorExhaustion(new Error("Connection reset by peer (os error 104)")), false);
});
