/**
 * Era routing: which protocol era a request belongs to (a legacy session that
 * negotiated a version, or a 2026-07-28 request carrying its version and
 * capabilities in `_meta`), and which function serves its method there.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../protocol/nesting.ts";
import { describeValue } from "../protocol/describe.ts";
import { MetaKey } from "../protocol/meta.ts";
import {
  type ClientCapabilities,
  type Implementation,
  type JsonObject,
  type JsonRpcRequest,
  type LegacySession,
  LOGGING_LEVELS,
  type LoggingLevel,
  type RequestScope,
} from "../protocol/mod.ts";
import { isModernVersion, SUPPORTED_VERSIONS } from "../protocol/versions.ts";
import { compatRequestProblem, withoutOutputSchemas } from "./compat.ts";
import { complete } from "./completion.ts";
import type { ServerCore } from "./core.ts";
import { discover, initialize } from "./discovery.ts";
import { type RequestEra, runHandler } from "./handler_run.ts";
import { listPrompts, listResources, listResourceTemplates, listTools } from "./listing.ts";
import { listen, subscribeSession } from "./subscriptions.ts";

/** Modern results that carry cache hints (`ttlMs`, `cacheScope`). */
const CACHEABLE = new Set([
  "server/discover",
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
]);

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

/**
 * Why a request cannot be served in the modern era (missing `_meta` fields,
 * unsupported version), or `undefined` when its envelope is sound.
 */
export function envelopeProblem(meta: JsonObject | undefined): McpError | undefined {
  const version = meta?.[MetaKey.protocolVersion];
  if (typeof version !== "string") {
    return invalidParams(
      `Missing _meta["${MetaKey.protocolVersion}"]; every request must carry its protocol version`,
    );
  }
  if (!isModernVersion(version)) {
    return new McpError(ErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", {
      supported: [...SUPPORTED_VERSIONS],
      requested: version,
    });
  }
  if (!isObject(meta![MetaKey.clientCapabilities])) {
    return invalidParams(
      `Missing _meta["${MetaKey.clientCapabilities}"]; every request must carry the client capabilities`,
    );
  }
  return undefined;
}

/** Routes a request to its era, or throws the reason it cannot be served. */
export function dispatch(
  core: ServerCore,
  request: JsonRpcRequest,
  scope: RequestScope,
): Promise<JsonObject> {
  if (nestsDeeperThan(request.params, MAX_JSON_DEPTH)) {
    throw invalidParams(`params nest deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const session = scope.session;
  const refused = compatRequestProblem(core.compat, request, session);
  if (refused) throw refused;
  if (request.method === "initialize") {
    if (!session) {
      // 2026-07-28 removed the handshake; name the versions for legacy clients' diagnostics.
      throw new McpError(
        ErrorCode.MethodNotFound,
        `Method not found: initialize (removed in 2026-07-28); supported versions: ${
          SUPPORTED_VERSIONS.join(", ")
        }`,
      );
    }
    return Promise.resolve(initialize(core, request, session));
  }
  const meta = isObject(request.params?._meta) ? request.params._meta : undefined;
  const version = meta?.[MetaKey.protocolVersion];
  if (session?.protocolVersion && version === undefined) {
    return serveLegacy(core, request, scope, session);
  }
  return serveModern(core, request, scope, meta);
}

async function serveLegacy(
  core: ServerCore,
  request: JsonRpcRequest,
  scope: RequestScope,
  session: LegacySession,
): Promise<JsonObject> {
  const params = request.params ?? {};
  switch (request.method) {
    case "ping":
      return {};
    case "logging/setLevel": {
      if (!LOGGING_LEVELS.includes(params.level as LoggingLevel)) {
        throw invalidParams(`Unknown log level: ${describeValue(params.level)}`);
      }
      session.logLevel = params.level as LoggingLevel;
      return {};
    }
    case "resources/subscribe":
    case "resources/unsubscribe":
      return subscribeSession(session, request.method, params);
  }
  const meta = isObject(params._meta) ? params._meta : {};
  return await serve(core, request, scope, {
    era: "legacy",
    protocolVersion: session.protocolVersion!,
    clientCapabilities: session.clientCapabilities,
    clientInfo: session.clientInfo,
    meta,
  });
}

/** Serves a 2026-07-28 request and puts on its result what every modern result carries. */
async function serveModern(
  core: ServerCore,
  request: JsonRpcRequest,
  scope: RequestScope,
  meta: JsonObject | undefined,
): Promise<JsonObject> {
  const problem = envelopeProblem(meta);
  if (problem) throw problem;
  const clientInfo = isObject(meta![MetaKey.clientInfo])
    ? meta![MetaKey.clientInfo] as unknown as Implementation
    : undefined;
  const result = await serve(core, request, scope, {
    era: "modern",
    protocolVersion: meta![MetaKey.protocolVersion] as string,
    clientCapabilities: meta![MetaKey.clientCapabilities] as ClientCapabilities,
    clientInfo,
    meta: meta!,
  });
  if (result.resultType === undefined) result.resultType = "complete";
  if (result.resultType === "complete" && CACHEABLE.has(request.method)) {
    if (result.ttlMs === undefined) result.ttlMs = core.cache.ttlMs;
    if (result.cacheScope === undefined) result.cacheScope = core.cache.cacheScope;
  }
  if (core.serverInfoMeta) {
    result._meta = isObject(result._meta)
      ? { ...core.serverInfoMeta, ...result._meta }
      : core.serverInfoMeta;
  }
  return result;
}

/**
 * Serves a method both eras share, the modern-only ones, and the extensions' methods. Not
 * `async`: its callers await it, so the handler's promise is passed on without another frame.
 */
function serve(
  core: ServerCore,
  request: JsonRpcRequest,
  scope: RequestScope,
  era: RequestEra,
): Promise<JsonObject> | JsonObject {
  const params = request.params ?? {};
  const modern = era.era === "modern";
  switch (request.method) {
    case "server/discover":
      if (!modern) break;
      return discover(core);
    case "subscriptions/listen":
      if (!modern) break;
      return listen(core, request, scope, era.clientCapabilities);
    case "tools/list": {
      const listed = listTools(core, params.cursor);
      return core.compat.skipToolOutputSchema ? withoutOutputSchemas(listed) : listed;
    }
    case "resources/list":
      return listResources(core, params.cursor);
    case "resources/templates/list":
      return listResourceTemplates(core, params.cursor);
    case "prompts/list":
      return listPrompts(core, params.cursor);
    case "completion/complete":
      return complete(core, params);
    case "tools/call":
    case "resources/read":
    case "prompts/get":
      return runHandler(core, request, scope, era);
  }
  for (const extension of core.extensions) {
    if (!modern && !extension.legacy) continue;
    const methods = extension.methods ?? {};
    if (Object.hasOwn(methods, request.method)) {
      return methods[request.method]({
        method: request.method,
        params,
        clientCapabilities: era.clientCapabilities,
        auth: scope.auth,
      });
    }
  }
  throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
}
