/**
 * A real tRPC client (HTTP only) whose requests carry the X-Forwarded-For a
 * proxy in front of the server would add: with TRUST_PROXY=1 in the server's
 * config, the server takes `address` as the client's. Simulates clients at
 * several addresses over loopback.
 */

import { type ParlorClient, websocketUrl } from "@parlor/client";
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import type { AppRouter } from "../../server/trpc/router.ts";

export function clientBehindProxy(baseUrl: string, address: string, token?: string): ParlorClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: new URL("/trpc", baseUrl).toString(),
        headers: () => ({ "x-forwarded-for": address, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
      }),
    ],
  });
}

/** What a socket opened through `socketBehindProxy` saw: its close codes, in order. */
export interface ProxiedSocket {
  client: ParlorClient;
  closes: number[];
  opened: number;
  close(): Promise<void>;
}

/**
 * A real tRPC client whose WebSocket upgrade (and HTTP calls) carry
 * `X-Forwarded-For: address`, signed in with `token` (connectionParams) when given.
 */
export function socketBehindProxy(baseUrl: string, address: string, token?: string): ProxiedSocket {
  const headers = { "x-forwarded-for": address };
  class ProxiedWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      // Bun's WebSocket also takes an options object with headers (the DOM type does not say so).
      super(url, { headers, protocols } as unknown as string[]);
    }
  }
  const state = { closes: [] as number[], opened: 0 };
  const socket = createWSClient({
    url: websocketUrl(baseUrl),
    WebSocket: ProxiedWebSocket,
    connectionParams: token ? () => ({ token }) : undefined,
    // Slow retries: a refused socket is not hammered at the server while a test watches it.
    retryDelayMs: () => 500,
    onOpen: () => state.opened++,
    onClose: (cause) => state.closes.push(cause?.code ?? 0),
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink<AppRouter>({ client: socket }),
        false: httpBatchLink({
          url: new URL("/trpc", baseUrl).toString(),
          headers: () => ({ ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
        }),
      }),
    ],
  });
  return {
    client,
    get closes() {
      return state.closes;
    },
    get opened() {
      return state.opened;
    },
    close: () => socket.close(),
  };
}
