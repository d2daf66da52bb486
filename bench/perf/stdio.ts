// The stdio rows: a window of tools/call requests kept in flight (64: pipelined, 1: one at a
// time), and cold start from spawn to the first answered tools/call.

import { type Kind, type LineChild, type Runtime, spawnChild } from "./children.ts";

/** A 2026-07-28 `add` call (no initialize: the modern era has none). */
export function stdioCall(id: number): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: {
      name: "add",
      arguments: { a: 2, b: 3 },
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    },
  }) + "\n";
}

/** Starts a stdio server and checks one answer. */
export async function startStdio(runtime: Runtime, kind: Kind): Promise<LineChild> {
  const child = spawnChild(runtime, "./stdio_child.ts", [kind]);
  child.write(stdioCall(0));
  const answer = await child.line();
  if (!answer.includes('"text":"5"')) throw new Error(`${kind} stdio answered ${answer}`);
  return child;
}

/** Sends `total` calls keeping `window` in flight; returns answered calls per second. */
export function stdioRate(child: LineChild, total: number, window: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0, answered = 0;
    const start = performance.now();
    const send = (count: number) => {
      let batch = "";
      for (let i = 0; i < count && sent < total; i++) batch += stdioCall(++sent);
      if (batch !== "") child.write(batch);
    };
    child.stream((line) => {
      if (!line.includes('"text":"5"')) {
        child.stream(undefined);
        reject(new Error(`bad stdio answer: ${line.slice(0, 200)}`));
        return;
      }
      answered++;
      if (answered === total) {
        child.stream(undefined);
        resolve((total / (performance.now() - start)) * 1000);
      } else send(1);
    });
    send(window);
  });
}

/** Milliseconds from spawn to the first answered tools/call. */
export async function coldStart(runtime: Runtime, kind: Kind): Promise<number> {
  const start = performance.now();
  const child = await startStdio(runtime, kind);
  const elapsed = performance.now() - start;
  await child.stop();
  return elapsed;
}
