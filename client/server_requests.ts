/**
 * What a server asks of the client — elicitation, sampling, roots, ping — is
 * answered by the client's handlers, whether it arrives as a legacy
 * server-to-client request or as an input request of a modern round trip.
 *
 * @module
 */
import { ErrorCode, toErrorObject } from "../protocol/errors.ts";
import {
  errorResponse,
  type JsonObject,
  type JsonRpcRequest,
  resultResponse,
} from "../protocol/jsonrpc.ts";
import type { CreateMessageRequestParams, ElicitRequestParams } from "../protocol/types.ts";
import { ClientError } from "./errors.ts";
import type { HandlerContext } from "./options.ts";
import { applyElicitationDefaults } from "./results.ts";
import { type ClientState, sendRaw, warn } from "./state.ts";

/** Runs the handler for a server request (either era); throws a `ClientError` when none is set. */
export async function serveServerRequest(
  state: ClientState,
  method: string,
  params: JsonObject,
  context: HandlerContext,
): Promise<JsonObject> {
  const { options } = state;
  const handlers = options.handlers ?? {};
  const missing = (what: string) =>
    new ClientError(
      ErrorCode.MethodNotFound,
      `The server asked for ${method}, but this client has no ${what} handler`,
      { method },
    );
  switch (method) {
    case "elicitation/create": {
      const elicit = params.mode === "url" ? handlers.elicitUrl : handlers.elicit;
      if (!elicit) throw missing(params.mode === "url" ? "URL elicitation" : "elicitation");
      const answer = await elicit(params as unknown as ElicitRequestParams, context);
      const filled = options.applyElicitationDefaults === false || params.mode === "url"
        ? answer
        : applyElicitationDefaults(answer, params.requestedSchema);
      return filled as unknown as JsonObject;
    }
    case "sampling/createMessage": {
      if (!handlers.sample) throw missing("sampling");
      return await handlers.sample(
        params as unknown as CreateMessageRequestParams,
        context,
      ) as unknown as JsonObject;
    }
    case "roots/list": {
      if (!handlers.roots) throw missing("roots");
      return { roots: await handlers.roots(context) as unknown as JsonObject[] };
    }
    case "ping":
      return {};
  }
  throw new ClientError(
    ErrorCode.MethodNotFound,
    `The server asked for ${method}, which this client does not know`,
  );
}

/**
 * Answers a legacy server-to-client request on the connection it came from.
 * The handler's signal aborts on `notifications/cancelled` or when the client
 * closes; an aborted request gets no answer.
 */
export function answerServerRequest(state: ClientState, request: JsonRpcRequest): void {
  const controller = new AbortController();
  state.serverRequests.set(request.id, controller);
  const lifetime = state.lifetime.signal;
  const onClose = () => controller.abort("client closed");
  lifetime.addEventListener("abort", onClose, { once: true });
  serveServerRequest(state, request.method, request.params ?? {}, {
    signal: controller.signal,
    era: "legacy",
  })
    .then(
      (result) => resultResponse(request.id, result),
      (error) => errorResponse(request.id, toErrorObject(error)),
    )
    .then((response) => {
      if (!controller.signal.aborted) return sendRaw(state, response);
    })
    .catch((error) =>
      warn(state, `Could not answer the server's ${request.method}: ${String(error)}`)
    )
    .finally(() => {
      state.serverRequests.delete(request.id);
      lifetime.removeEventListener("abort", onClose);
    });
}

/** Cancels a server request being answered (`notifications/cancelled`). */
export function cancelServerRequest(state: ClientState, params: JsonObject): void {
  const id = params.requestId;
  if (typeof id === "string" || typeof id === "number") {
    state.serverRequests.get(id)?.abort(params.reason);
  }
}
