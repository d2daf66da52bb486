/**
 * The modern multi round-trip loop: a request answered with an
 * `InputRequiredResult` is sent again with the answers to its input requests
 * (and the server's `requestState`), until the server returns the real
 * result or the round limit is reached.
 *
 * @module
 */
import { ErrorCode } from "../protocol/errors.ts";
import { isObject, type JsonObject } from "../protocol/jsonrpc.ts";
import { ClientError } from "./errors.ts";
import { request, type RequestSettings } from "./request.ts";
import { serveServerRequest } from "./server_requests.ts";
import type { ClientState } from "./state.ts";
import { isTaskHandle } from "./tasks.ts";

/** A request that may come back as `InputRequiredResult`: answers inputs and retries. */
export async function requestWithInput(
  state: ClientState,
  method: string,
  params: JsonObject,
  settings: RequestSettings,
): Promise<JsonObject> {
  const maxRounds = state.options.maxInputRounds ?? 10;
  let extra: JsonObject = {};
  for (let round = 0;; round++) {
    const result = await request(
      state,
      method,
      round === 0 ? params : { ...params, ...extra },
      settings,
    );
    if (result.resultType !== "input_required") {
      if (isTaskHandle(result) && method !== "tools/call") {
        throw new ClientError(
          ErrorCode.InternalError,
          `The server answered ${method} with a task, which only tools/call may return`,
        );
      }
      return result;
    }
    if (state.era !== "modern") {
      throw new ClientError(
        ErrorCode.InvalidRequest,
        `A legacy server answered ${method} with input_required`,
      );
    }
    if (round + 1 >= maxRounds) {
      throw new ClientError(
        ErrorCode.InternalError,
        `${method} still needed input after ${maxRounds} rounds; giving up`,
        { rounds: maxRounds },
      );
    }
    const requests = isObject(result.inputRequests) ? result.inputRequests : {};
    const responses: JsonObject = {};
    for (const [key, inputRequest] of Object.entries(requests)) {
      responses[key] = await answerInputRequest(state, inputRequest, settings.signal);
    }
    extra = {};
    if (Object.keys(requests).length > 0) extra.inputResponses = responses;
    if (typeof result.requestState === "string") extra.requestState = result.requestState;
  }
}

/** Answers one input request with the client's handlers; `signal` cancels the handler. */
export async function answerInputRequest(
  state: ClientState,
  inputRequest: unknown,
  signal?: AbortSignal,
): Promise<JsonObject> {
  if (!isObject(inputRequest) || typeof inputRequest.method !== "string") {
    throw new ClientError(ErrorCode.InvalidParams, "The server sent a malformed input request");
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const params = isObject(inputRequest.params) ? inputRequest.params : {};
    return await serveServerRequest(state, inputRequest.method, params, {
      signal: controller.signal,
      era: "modern",
    });
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
