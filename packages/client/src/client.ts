/**
 * The typed Parlor client, for the browser app, scripts and the CLI alike.
 * Its types come from the server's router (`import type` only): a wrong input
 * shape is a compile error, and no server type is restated here.
 *
 * Published as `@parlor/client` (packages/client): the web app, the CLI and
 * scripts elsewhere all import it by that name.
 *
 * Subscriptions go over one WebSocket (which reconnects by itself and resumes
 * each room after the last message it delivered); queries and mutations over
 * batched HTTP; a file (`attachment.upload` with FormData) in a request of its own.
 *
 * @example
 * ```ts
 * import { createParlorClient } from "@parlor/client";
 * const chat = createParlorClient({ url: "http://localhost:3000", token });
 * await chat.room.send.mutate({ room: "lobby", text: "hi" });
 * chat.room.messages.subscribe({ room: "lobby" }, { onData: (e) => console.log(e.data) });
 * const form = new FormData();
 * form.append("file", Bun.file("photo.jpg"), "photo.jpg");
 * const photo = await chat.attachment.upload.mutate(form);
 * await chat.room.send.mutate({ room: "lobby", text: "look", attachments: [photo.id] });
 * ```
 */
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  isNonJsonSerializable,
  splitLink,
  type TRPCClient,
  type TRPCClientError,
  wsLink,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { HTTP_BATCH_MAX_CALLS, HTTP_URL_MAX_LENGTH } from "../../../shared/transport.ts";
import type { AppRouter } from "./app-router.ts";

export type { AppRouter };
export type ParlorClient = TRPCClient<AppRouter>;
export type ParlorSocket = ReturnType<typeof createWSClient>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type ParlorClientError = TRPCClientError<AppRouter>;

/** A session token, or a function that returns the current one (it may change on login). */
export type TokenSource = string | null | undefined | (() => string | null | undefined);

const readToken = (token: TokenSource) => (typeof token === "function" ? token() : token) ?? null;

/** `http://host:port` → `ws://host:port/trpc` (https → wss). */
export function websocketUrl(baseUrl: string): string {
  const url = new URL("/trpc", baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export interface ParlorSocketOptions {
  /** The server's base URL, e.g. `http://localhost:3000`. */
  url: string;
  token?: TokenSource;
  /** Stay connected when nothing is subscribed (default: close when idle, so scripts can exit). */
  keepOpen?: boolean;
  onOpen?: () => void;
  onClose?: (cause?: { code?: number }) => void;
  /** The WebSocket class, where the runtime has none (Node.js 20; the package's Node.js entry passes `ws` then). Default: the global one. */
  WebSocket?: typeof WebSocket;
}

/** The WebSocket half of a client. Make one yourself to share it or to close it. */
export function createParlorSocket(opts: ParlorSocketOptions): ParlorSocket {
  const withToken = opts.token !== undefined && opts.token !== null;
  return createWSClient({
    url: websocketUrl(opts.url),
    // Sent as the first frame of every (re)connection; a browser relies on its cookie instead.
    connectionParams: withToken ? () => ({ token: readToken(opts.token) ?? "" }) : undefined,
    lazy: { enabled: !opts.keepOpen, closeMs: 1_000 },
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    // Exponential backoff with jitter, so a restart is not met by every client at the same instant.
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 10_000) * (0.5 + Math.random()),
    onOpen: opts.onOpen,
    onClose: opts.onClose,
    WebSocket: opts.WebSocket,
  });
}

export interface ParlorClientOptions {
  /** The server's base URL, e.g. `http://localhost:3000`. In the browser, `location.origin`. */
  url: string;
  /** For scripts: the token from `auth.login`. Browsers use the session cookie instead. */
  token?: TokenSource;
  /** A socket made by `createParlorSocket`, to close it yourself; by default one is made. */
  socket?: ParlorSocket;
}

export function createParlorClient(opts: ParlorClientOptions): ParlorClient {
  const socket = opts.socket ?? createParlorSocket({ url: opts.url, token: opts.token });
  const url = new URL("/trpc", opts.url).toString();
  const headers = () => {
    const token = readToken(opts.token);
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink<AppRouter>({ client: socket }),
        false: splitLink({
          // FormData (a file) cannot share a JSON batch: it goes in a request of its own.
          condition: (op) => isNonJsonSerializable(op.input),
          true: httpLink({ url, headers }),
          // Within the server's per-request limits, so a burst of calls is split, not refused.
          false: httpBatchLink({ url, maxItems: HTTP_BATCH_MAX_CALLS, maxURLLength: HTTP_URL_MAX_LENGTH, headers }),
        }),
      }),
    ],
  });
}
