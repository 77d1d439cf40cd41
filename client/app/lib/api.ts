/**
 * The browser's one Parlor client, shared through a Solid context: queries and
 * mutations over batched HTTP with the session cookie, subscriptions over one
 * WebSocket to the page's own origin.
 */

import { createParlorClient, createParlorSocket, type ParlorClient, type ParlorSocket } from "@parlor/client";
import { createContext, useContext } from "solid-js";
import { errorText } from "../../../shared/i18n/error-text.ts";
import type { Translate } from "../../../shared/i18n/index.ts";
import { CLOSE_SESSION_ENDED } from "../../../shared/transport.ts";

export interface BrowserApi {
  client: ParlorClient;
  socket: ParlorSocket;
  /** Calls `listener` each time the server closes the socket because its session ended (4001); returns its removal. */
  onSessionEnded(listener: () => void): () => void;
}

export function createBrowserApi(origin: string = location.origin): BrowserApi {
  const sessionEnded = new Set<() => void>();
  const socket = createParlorSocket({
    url: origin,
    onClose: (cause) => {
      if (cause?.code === CLOSE_SESSION_ENDED) for (const listener of sessionEnded) listener();
    },
  });
  // A browser keeps a dead WebSocket "open" until keep-alive gives up on it (up to 20 s).
  // When the device says it went offline, drop the socket now: the page says
  // "Reconnecting…" at once, and the client resumes after the last message it got.
  window.addEventListener("offline", () => dropConnection(socket, "offline"));
  return {
    socket,
    client: createParlorClient({ url: origin, socket }),
    onSessionEnded(listener) {
      sessionEnded.add(listener);
      return () => sessionEnded.delete(listener);
    },
  };
}

/**
 * Closes the open WebSocket, if any; subscriptions carry on over a new one.
 * Also after signing in or out: the server reads the session cookie once per
 * socket, so a socket opened as a guest would go on counting this page as one.
 */
export function dropConnection(socket: ParlorSocket, reason: string): void {
  const connection = socket.connection;
  if (connection?.state === "open") connection.ws.close(4000, reason);
}

export const ApiContext = createContext<BrowserApi>();

export function useApi(): BrowserApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi() outside <ApiContext.Provider>");
  return api;
}

/**
 * A readable sentence from whatever a call threw, in the reader's language
 * (`t`, the page's translator) from the error's code, reason and fields
 * (shared/i18n/error-text.ts), never from the server's English message.
 */
export function errorMessage(error: unknown, t: Translate): string {
  return errorText(error, t);
}
