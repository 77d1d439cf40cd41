/**
 * The package's entry on Node.js: the same client, with `ws` as the WebSocket
 * where Node.js has no global one (Node.js 20; 22 and later have it). Bun and
 * browsers take index.ts, which never loads `ws`.
 */
import { WebSocket as WsWebSocket } from "ws";
import * as portable from "./index.ts";

export * from "./index.ts";

const NodeWebSocket: typeof WebSocket = globalThis.WebSocket ?? (WsWebSocket as unknown as typeof WebSocket);

export function createParlorSocket(opts: portable.ParlorSocketOptions): portable.ParlorSocket {
  return portable.createParlorSocket({ WebSocket: NodeWebSocket, ...opts });
}

export function createParlorClient(opts: portable.ParlorClientOptions): portable.ParlorClient {
  return portable.createParlorClient({
    ...opts,
    socket: opts.socket ?? createParlorSocket({ url: opts.url, token: opts.token }),
  });
}
