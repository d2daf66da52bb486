/**
 * Tracing without a dependency: the server takes any object shaped like an
 * OpenTelemetry `Tracer` (`@opentelemetry/api`'s can be passed as it is) and
 * opens one SERVER span per request, named and attributed after the
 * OpenTelemetry semantic conventions for MCP (`{mcp.method.name} {target}`,
 * `mcp.method.name`, `gen_ai.tool.name`, `mcp.session.id`, `error.type` ...).
 *
 * @module
 */
import { McpError } from "../protocol/errors.ts";
import type { McpRequest, Middleware } from "./middleware.ts";

/** A span attribute value, as OpenTelemetry accepts it. */
export type TraceAttributeValue = string | number | boolean;

/** Span attributes by name. */
export interface TraceAttributes {
  /** An attribute; `undefined` ones are left out. */
  [name: string]: TraceAttributeValue | undefined;
}

/** The part of an OpenTelemetry `Span` the server uses. */
export interface TraceSpan {
  /** Sets one attribute. */
  setAttribute(key: string, value: TraceAttributeValue): unknown;
  /** Records an exception as a span event. */
  recordException(exception: Error | string): unknown;
  /** Sets the status: `code` 0 unset, 1 ok, 2 error (OpenTelemetry `SpanStatusCode`). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span; its duration is from `startSpan` to here. */
  end(): unknown;
}

/**
 * The part of an OpenTelemetry `Tracer` the server uses:
 * `trace.getTracer("my-server")` from `@opentelemetry/api` fits.
 *
 * @example Printing spans without OpenTelemetry
 * ```ts
 * import { McpServer } from "./server.ts";
 * import type { Tracer } from "./tracing.ts";
 * const tracer: Tracer = {
 *   startSpan(name, options) {
 *     const started = performance.now();
 *     return {
 *       setAttribute: () => {},
 *       recordException: () => {},
 *       setStatus: () => {},
 *       end: () => console.log(name, options?.attributes, performance.now() - started),
 *     };
 *   },
 * };
 * const server = new McpServer({ name: "traced", version: "1.0.0" }, { tracer });
 * ```
 */
export interface Tracer {
  /** Starts a span; `kind` 1 is SERVER (OpenTelemetry `SpanKind`). */
  startSpan(name: string, options?: { kind?: number; attributes?: TraceAttributes }): TraceSpan;
}

/** OpenTelemetry `SpanKind.SERVER`. */
const SPAN_KIND_SERVER = 1;
/** OpenTelemetry `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;

/** The low-cardinality target of a request's span name: its tool or prompt. */
function targetOf(request: McpRequest): string | undefined {
  const name = request.params.name;
  if (request.method !== "tools/call" && request.method !== "prompts/get") return undefined;
  return typeof name === "string" ? name : undefined;
}

function attributesOf(request: McpRequest, target: string | undefined): TraceAttributes {
  const attributes: TraceAttributes = {
    "mcp.method.name": request.method,
    "jsonrpc.request.id": String(request.id),
    "mcp.protocol.version": request.protocolVersion,
    "mcp.session.id": request.sessionId,
    // Which protocol era served it; not in the conventions, so under this SDK's own name.
    "emcee.mcp.era": request.era,
  };
  if (request.method === "tools/call") {
    attributes["gen_ai.operation.name"] = "execute_tool";
    attributes["gen_ai.tool.name"] = target;
  } else if (request.method === "prompts/get") {
    attributes["gen_ai.prompt.name"] = target;
  }
  const uri = request.params.uri;
  if (typeof uri === "string") attributes["mcp.resource.uri"] = uri;
  for (const key of Object.keys(attributes)) {
    if (attributes[key] === undefined) delete attributes[key];
  }
  return attributes;
}

/** The middleware that opens a span per request; the server puts it outermost. */
export function tracingMiddleware(tracer: Tracer): Middleware {
  return async (request, next) => {
    const target = targetOf(request);
    const span = tracer.startSpan(target ? `${request.method} ${target}` : request.method, {
      kind: SPAN_KIND_SERVER,
      attributes: attributesOf(request, target),
    });
    try {
      const result = await next();
      if (result.isError === true) {
        // The conventions mark a tool result with isError as a failed operation.
        span.setAttribute("error.type", "tool_error");
        span.setStatus({ code: STATUS_ERROR, message: "tool_error" });
      }
      return result;
    } catch (error) {
      const code = error instanceof McpError ? String(error.code) : undefined;
      span.setAttribute(
        "error.type",
        code ?? (error instanceof Error ? error.name : "_OTHER"),
      );
      if (code) span.setAttribute("rpc.response.status_code", code);
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: STATUS_ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  };
}
