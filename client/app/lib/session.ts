/**
 * Who is using this browser: the session cookie's user, loaded once with
 * `auth.me` and updated by sign-in, sign-up and sign-out. The cookie itself is
 * HttpOnly: the page never sees the token.
 */

import type { ParlorClient, RouterInputs, RouterOutputs } from "@parlor/client";
import { TRPCClientError } from "@trpc/client";
import { createContext, createResource, createSignal, useContext } from "solid-js";
import { createKnownUser } from "./known-user.ts";
import type { KeyValueStorage } from "./outbox.ts";

export type SessionUser = NonNullable<RouterOutputs["auth"]["me"]>;
export type Credentials = RouterInputs["auth"]["login"];

export interface SessionOptions {
  storage?: KeyValueStorage | null;
  /** With the user who signed out here (to forget what the page saved for them). */
  onSignedOut?: (user: SessionUser) => void;
  /**
   * With the user whose session the server no longer knows, though nobody signed out here:
   * ended elsewhere (sign out everywhere, a password change) or expired. What the page kept for them goes.
   */
  onSessionLost?: (user: SessionUser) => void;
}

/** `onChange` runs after signing in, up or out (e.g. to reopen the WebSocket with the new cookie). */
export function createSession(
  client: ParlorClient,
  onChange: () => void = () => {},
  { storage = null, onSignedOut, onSessionLost }: SessionOptions = {},
) {
  const known = createKnownUser<SessionUser>(storage);
  /** True while the user shown is the one remembered, because the server could not be asked. */
  let remembered = false;
  /** True while this page signs out: the server ending the session then is no loss to react to. */
  let leaving = false;
  /** Who was signed in here when the server said their session had ended without this page (until they sign in again). */
  const [lost, setLost] = createSignal<SessionUser | null>(null);
  const [me, { mutate: setMe, refetch }] = createResource(async () => {
    let user: SessionUser | null;
    try {
      user = await client.auth.me.query();
    } catch (error) {
      // No answer (offline, server down): whoever was signed in here last, so their outbox and saved rooms show.
      if (!(error instanceof TRPCClientError && error.data?.code)) {
        remembered = true;
        return known.get();
      }
      // The server answered with a refusal: nobody is signed in.
      user = null;
    }
    remembered = false;
    // Someone was signed in here and the server says nobody is: their session ended without this page.
    const before = known.get();
    if (before && !user && !leaving) {
      setLost(before);
      onSessionLost?.(before);
    }
    known.set(user);
    return user;
  });
  // Back online: ask the server again, in case the session ended meanwhile.
  if (typeof window !== "undefined") window.addEventListener("online", () => remembered && void refetch());
  const mutate = (user: SessionUser | null) => {
    const before = me();
    remembered = false;
    known.set(user);
    setLost(null);
    if (before && !user) onSignedOut?.(before);
    // The old socket goes first: a subscription the new user's pages start (me.rooms at once) then waits for the new one,
    // instead of being queued on a socket that closes under it (the WebSocket client fails such a request).
    onChange();
    setMe(user);
  };

  return {
    /** The signed-in user, null for a guest, undefined while loading. */
    // A refetch (back online) keeps showing who was there, so the page does not flicker to "loading".
    user: (): SessionUser | null | undefined =>
      me.state === "pending" || me.state === "unresolved" ? undefined : (me.latest ?? null),
    /**
     * The user whose session ended without this page signing out (elsewhere, a password change, expiry), so the
     * page can say "You were signed out"; null otherwise, and again once someone signs in or this page signs out.
     */
    lost,
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
    /**
     * Asks the server again who is signed in: after it closed this page's socket because the session ended
     * (close code 4001). A session that is gone is then forgotten (`onSessionLost`).
     */
    recheck(): void {
      void refetch();
    },
    /** Ends every session of this user, this browser's too, and closes their sockets everywhere. */
    async signOutEverywhere(): Promise<void> {
      leaving = true;
      try {
        await client.auth.logoutAll.mutate();
        mutate(null);
      } finally {
        leaving = false;
      }
    },
    async signOut(): Promise<void> {
      leaving = true;
      try {
        await client.auth.logout.mutate();
      } catch (error) {
        // An already expired session is signed out all the same.
        if (!(error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED")) throw error;
      } finally {
        leaving = false;
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
