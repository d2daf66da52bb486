/**
 * Over a real socket, a legacy GET stream with nothing to send yet still
 * sends its headers at once (Bun holds them until the first body chunk):
 * the 2025-03-26 and 2025-06-18 GET streams, and a resumption with nothing
 * to replay.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { within } from "../async.ts";
import {
  capturingServer,
  getStream,
  initialize,
  numbered,
  sseReader,
} from "./sse_legacy_helpers.ts";

/** A bound on the wait for headers that a held response (8 s and more on Bun) exceeds. */
const HEADERS_WITHIN_MS = 3_000;

for (const version of ["2025-03-26", "2025-06-18"]) {
  test(`${version}: an idle GET stream and an empty resumption send headers at once`, async () => {
    const { server, sessions } = capturingServer();
    const handler = createHttpHandler(server);
    const http = await serveHttp(handler, { port: 0, hostname: "127.0.0.1" });
    const url = `${http.url}/mcp`;
    try {
      const id = await initialize(fetch, version, url);
      const response = await within(
        fetch(getStream(id, version, undefined, url)),
        HEADERS_WITHIN_MS,
        "the headers of an idle GET stream",
      );
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
      // One event, read, then the stream cut: a resumption after it has nothing to replay.
      const stream = sseReader(response.body!);
      sessions.at(-1)!.sendStandalone(numbered(1));
      const event = await stream.next();
      await stream.cancel();
      const resumed = await within(
        fetch(getStream(id, version, event.id, url)),
        HEADERS_WITHIN_MS,
        "the headers of a resumption with nothing to replay",
      );
      assert.equal(resumed.status, 200);
      await resumed.body?.cancel();
    } finally {
      await http.close();
    }
  });
}
