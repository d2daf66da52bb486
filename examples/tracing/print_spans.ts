/**
 * Tracing without OpenTelemetry installed: a tracer of a few lines prints one
 * line per span (name, duration, status, attributes) while the server serves
 * a tool call, a failing call and a listing in-process.
 *
 * ```sh
 * deno run -A examples/tracing/print_spans.ts
 * bun run examples/tracing/print_spans.ts
 * node examples/tracing/print_spans.ts
 * ```
 *
 * With OpenTelemetry, pass its tracer instead; nothing else changes:
 *
 * ```ts ignore
 * import { trace } from "@opentelemetry/api";
 * const server = new McpServer(info, { tracer: trace.getTracer("my-server") });
 * ```
 *
 * @module
 */
import { McpServer } from "../../server/server.ts";
import type { TraceAttributes, Tracer, TraceSpan } from "../../server/tracing.ts";

/** A tracer that prints each span as one line when it ends. */
export function printingTracer(print: (line: string) => void = console.log): Tracer {
  return {
    startSpan(name: string, options?: { attributes?: TraceAttributes }): TraceSpan {
      const started = performance.now();
      const attributes: TraceAttributes = { ...options?.attributes };
      let status = "unset";
      return {
        setAttribute: (key, value) => void (attributes[key] = value),
        recordException: (exception) => {
          attributes["exception.message"] = exception instanceof Error
            ? exception.message
            : exception;
        },
        setStatus: ({ code, message }) => {
          status = code === 2 ? `error${message ? ` (${message})` : ""}` : "ok";
        },
        end: () => {
          const ms = (performance.now() - started).toFixed(2);
          print(`${name} ${ms}ms ${status} ${JSON.stringify(attributes)}`);
        },
      };
    },
  };
}

const server = new McpServer({ name: "traced-demo", version: "1.0.0" }, {
  tracer: printingTracer(),
});
server.tool({
  name: "add",
  input: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
  handler: ({ a, b }: { a: number; b: number }) => String(a + b),
});
server.tool({
  name: "fail",
  handler: () => {
    throw new Error("it broke");
  },
});

const meta = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
};
await server.handleRequest({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "add", arguments: { a: 1, b: 2 }, _meta: meta },
});
await server.handleRequest({
  jsonrpc: "2.0",
  id: 2,
  method: "tools/call",
  params: { name: "fail", _meta: meta },
});
await server.handleRequest({
  jsonrpc: "2.0",
  id: 3,
  method: "tools/list",
  params: { _meta: meta },
});
await server.handleRequest({ jsonrpc: "2.0", id: 4, method: "no/such", params: { _meta: meta } });
