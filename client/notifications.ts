/**
 * Routing what the server sends: responses to the request engine, requests
 * to the handlers, and notifications to progress, logging, cancellation,
 * subscriptions and the list cache, then to `onNotification`.
 *
 * @module
 */
import type { Classified, JsonRpcNotification } from "../protocol/jsonrpc.ts";
import { failOnInvalid } from "./compat.ts";
import { invalidateLists } from "./list_cache.ts";
import type { LogMessage } from "./options.ts";
import { answerServerRequest, cancelServerRequest } from "./server_requests.ts";
import { type ClientState, warn } from "./state.ts";
import { acknowledgeSubscription, deliverToSubscriptions } from "./subscriptions.ts";

/** Handles one classified message from the server. */
export function routeIncoming(state: ClientState, incoming: Classified): void {
  switch (incoming.kind) {
    case "response":
      if (!state.engine.handleResponse(incoming.message)) {
        warn(
          state,
          `Ignored a response for unknown or finished request ${
            JSON.stringify(incoming.message.id)
          }`,
        );
      }
      return;
    case "notification":
      routeNotification(state, incoming.message);
      return;
    case "request":
      answerServerRequest(state, incoming.message);
      return;
    case "invalid":
      if (failOnInvalid(state, incoming)) return;
      warn(state, `Ignored an invalid message from the server: ${incoming.error.error.message}`);
  }
}

/** Handles one notification, then hands it to `onNotification`. */
export function routeNotification(state: ClientState, notification: JsonRpcNotification): void {
  const params = notification.params ?? {};
  switch (notification.method) {
    case "notifications/progress":
      state.engine.handleProgress(params);
      break;
    case "notifications/message":
      state.options.onLog?.(params as unknown as LogMessage);
      break;
    case "notifications/cancelled":
      cancelServerRequest(state, params);
      break;
    case "notifications/subscriptions/acknowledged":
      acknowledgeSubscription(state, params);
      break;
    default:
      invalidateLists(state, notification);
      deliverToSubscriptions(state, notification);
  }
  try {
    state.options.onNotification?.(notification);
  } catch (error) {
    warn(state, `onNotification threw: ${String(error)}`);
  }
}
