/**
 * Who is using this browser: the session cookie's user, loaded once with
 * `auth.me` and updated by sign-in, sign-up and sign-out. The cookie itself is
 * HttpOnly: the page never sees the token.
 */
import { createContext, createResource, useContext } from "solid-js";
import { TRPCClientError } from "@trpc/client";
import type { ParlorClient, RouterInputs, RouterOutputs } from "../../parlor-client.ts";

export type SessionUser = NonNullable<RouterOutputs["auth"]["me"]>;
export type Credentials = RouterInputs["auth"]["login"];

/** `onChange` runs after signing in, up or out (e.g. to reopen the WebSocket with the new cookie). */
export function createSession(client: ParlorClient, onChange: () => void = () => {}) {
  // A failed look-up (server unreachable) reads as "not signed in" rather than breaking every page.
  const [me, { mutate: setMe }] = createResource(() => client.auth.me.query().catch(() => null));
  const mutate = (user: SessionUser | null) => {
    // The old socket goes first: a subscription the new user's pages start (me.rooms at once) then waits for the new one,
    // instead of being queued on a socket that closes under it (the WebSocket client fails such a request).
    onChange();
    setMe(user);
  };

  return {
    /** The signed-in user, null for a guest, undefined while loading. */
    user: (): SessionUser | null | undefined => (me.loading ? undefined : (me() ?? null)),
    async signIn(credentials: Credentials): Promise<SessionUser> {
      const { user } = await client.auth.login.mutate(credentials);
      mutate(user);
      return user;
    },
    async signUp(credentials: Credentials): Promise<SessionUser> {
      const { user } = await client.auth.register.mutate(credentials);
      mutate(user);
      return user;
    },
    /** Ends every session of this user, this browser's too, and closes their sockets everywhere. */
    async signOutEverywhere(): Promise<void> {
      await client.auth.logoutAll.mutate();
      mutate(null);
    },
    async signOut(): Promise<void> {
      try {
        await client.auth.logout.mutate();
      } catch (error) {
        // An already expired session is signed out all the same.
        if (!(error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED")) throw error;
      }
      mutate(null);
    },
  };
}

export type Session = ReturnType<typeof createSession>;

export const SessionContext = createContext<Session>();

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() outside <SessionContext.Provider>");
  return session;
}
