/**
 * A client whose every call, queries and mutations too, travels over one
 * signed-in WebSocket (the stock wsLink), as an app that keeps all its traffic
 * on its socket sends them; with the close codes the server gave that socket.
 * It reconnects by itself with the same token, as the stock client does.
 */

import { createParlorSocket, type ParlorClient, type ParlorSocket } from "@parlor/client";
import { createTRPCClient, wsLink } from "@trpc/client";
import type { AppRouter } from "../../server/trpc/router.ts";

export interface SocketClient {
  client: ParlorClient;
  socket: ParlorSocket;
  /** The codes the server closed this socket with, in order. */
  closes: (number | undefined)[];
}

export function socketClient(url: string, token: string): SocketClient {
  const closes: (number | undefined)[] = [];
  const socket = createParlorSocket({ url, token, keepOpen: true, onClose: (cause) => closes.push(cause?.code) });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink<AppRouter>({ client: socket })] }), socket, closes };
}
