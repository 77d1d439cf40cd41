/**
 * What every procedure sees: the app's services and who is calling. Built per
 * HTTP request, and once per WebSocket connection.
 */
import type { FetchCreateContextFnOptions } from "@trpc/server/adapters/fetch";
import type { Db } from "../../db/index.ts";
import type { User } from "../../shared/schemas.ts";
import type { Auth } from "../auth/auth.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import type { SessionSockets } from "./session-sockets.ts";

export interface Services {
  db: Db;
  auth: Auth;
  groups: GroupLayer;
  sockets: SessionSockets;
}

export interface Context extends Services {
  user: User | null;
  /** The caller's session token, when it is signed in. */
  token: string | null;
  /** HTTP only: headers of the response, for cookies. Null over WebSocket. */
  resHeaders: Headers | null;
}

export function createHttpContextFactory(services: Services) {
  return async function createHttpContext({ req, resHeaders }: FetchCreateContextFnOptions): Promise<Context> {
    const cookieToken = services.auth.tokenFromHeaders({ cookie: req.headers.get("cookie") });
    const token = services.auth.tokenFromHeaders({ authorization: req.headers.get("authorization") }) ?? cookieToken;
    const session = token ? await services.auth.validate(token) : null;
    // Sliding expiry: a cookie whose session was just extended is re-issued with the new date.
    if (session?.renewed && session.token === cookieToken) resHeaders.append("set-cookie", services.auth.sessionCookie(session.token));
    return { ...services, user: session?.user ?? null, token: session ? token : null, resHeaders };
  };
}

export interface WsContextInput {
  /** Headers of the upgrade request (the session cookie, for browsers). */
  cookie: string | null;
  /** `connectionParams` sent by the client as its first message (scripts' tokens). */
  connectionParams: Record<string, string | undefined> | null;
  socket: { close(code?: number, reason?: string): void; once(event: "close", listener: () => void): unknown };
}

export async function createWsContext(services: Services, input: WsContextInput): Promise<Context> {
  const token = input.connectionParams?.token || services.auth.tokenFromHeaders({ cookie: input.cookie });
  const session = token ? await services.auth.validate(token) : null;
  if (session && token) {
    const release = services.sockets.add(token, input.socket);
    input.socket.once("close", release);
  }
  return { ...services, user: session?.user ?? null, token: session ? token : null, resHeaders: null };
}
