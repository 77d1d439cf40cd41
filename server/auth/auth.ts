/**
 * Sessions for Parlor, the one module that knows Lucia (v3, now unmaintained
 * upstream): swapping it for another session store changes this folder only.
 * A session token travels as a cookie (browsers), a bearer header (scripts over
 * HTTP) or `connectionParams.token` (scripts over WebSocket).
 */
import { Lucia, TimeSpan } from "lucia";
import type { Db } from "../../db/index.ts";
import type { SignedIn } from "../../shared/account.ts";
import type { Credentials, User } from "../../shared/schemas.ts";

export type { SignedIn };

import type { Semaphore } from "../limits/semaphore.ts";
import { createPasswordHasher } from "./passwords.ts";
import { createSessionAdapter } from "./session-adapter.ts";
import { describeClient, type SessionClient } from "./session-client.ts";
import { createSessionLookups } from "./session-lookups.ts";
import {
  deleteExpiredSessions,
  deleteOtherSessions,
  deleteUserSession,
  deleteUserSessions,
  listUserSessions,
  type SessionInfo,
  standingSessions,
} from "./session-store.ts";
import { changePassword, createUser, verifyCredentials } from "./users.ts";

export type { SessionInfo };

/**
 * The session cookie's name. Over HTTPS it carries the `__Host-` prefix: the
 * browser then accepts it only with `Secure`, `Path=/` and no `Domain`, so a
 * sibling subdomain (or a plain-HTTP page on the same name) cannot plant or
 * shadow it. Only the name in force is read.
 */
export const sessionCookieName = (secureCookies: boolean) =>
  secureCookies ? "__Host-parlor_session" : "parlor_session";

function createLucia(db: Db, secureCookies: boolean, ttlSeconds: number) {
  return new Lucia(createSessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(ttlSeconds, "s"),
    // Lucia sets no Domain; `__Host-` requires exactly that.
    sessionCookie: {
      name: sessionCookieName(secureCookies),
      attributes: { secure: secureCookies, sameSite: "lax", path: "/" },
    },
    getUserAttributes: (attributes) => ({ username: attributes.username }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    UserId: number;
    DatabaseUserAttributes: { username: string };
    DatabaseSessionAttributes: SessionClient;
  }
}

export interface ValidSession {
  user: User;
  token: string;
  expiresAt: Date;
  /** Its expiry was just extended: a cookie-based client should get a fresh cookie. */
  renewed: boolean;
}

/** Who is signing in, as the transport saw them: what the new session records of it (see session-client.ts). */
export interface SignInClient {
  userAgent: string | null;
  ip: string | null;
}

export interface Auth {
  register(credentials: Credentials, client?: SignInClient): Promise<SignedIn>;
  /** A new session for correct credentials (never reuses one: no fixation), else null. */
  login(credentials: Credentials, client?: SignInClient): Promise<SignedIn | null>;
  /**
   * The session a token names, if it stands. Lookups of one token that overlap
   * share one query (a user's tabs reconnecting at once), and a standing answer is
   * kept for up to SESSION_LOOKUP_KEEP_MS; a session that ends here or elsewhere
   * (`sessionsEnded`) drops every kept answer at once. `fresh`: never a kept answer.
   */
  validate(token: string, opts?: { fresh?: boolean }): Promise<ValidSession | null>;
  /** Sessions ended on another process (the control channel), or may have (a lag): no lookup in flight may answer for them. */
  sessionsEnded(): void;
  /** Which of these stored keys (SHA-256 of the tokens) name a session that still stands; a few queries for any number. */
  standing(storedIds: readonly string[]): Promise<Set<string>>;
  logout(token: string): Promise<void>;
  /** Ends every session of the user; resolves to their stored keys (SHA-256 of the tokens). */
  logoutAll(userId: number): Promise<string[]>;
  /** Ends the user's session whose listed `id` (SessionInfo.id) this is; resolves to its stored key, or null when they have none such. */
  endSession(userId: number, id: string): Promise<string | null>;
  /**
   * Sets a new password when `currentPassword` is right, and ends every other
   * session of the user (the one holding `keepToken` stays); resolves to the
   * stored keys of the ended sessions. Null when the password was wrong.
   */
  changePassword(
    userId: number,
    keepToken: string,
    passwords: { currentPassword: string; newPassword: string },
  ): Promise<{ endedSessions: string[] } | null>;
  /** The user's live sessions, as they may be shown to that user. */
  sessions(userId: number, currentToken: string): Promise<SessionInfo[]>;
  /** Deletes expired sessions; resolves to how many. */
  purgeExpired(): Promise<number>;
  /** The token carried by a Cookie header, an Authorization header, in that order of preference: bearer first. */
  tokenFromHeaders(headers: { cookie?: string | null; authorization?: string | null }): string | null;
  /** `Set-Cookie` values. */
  sessionCookie(token: string): string;
  blankCookie(): string;
}

export interface AuthOptions {
  /** `Secure` cookies: on outside development, where the site is served over HTTPS. */
  secureCookies: boolean;
  /** Password hashes computed at once: a count for this process, or a machine's shared slots. */
  hashConcurrency?: number | Semaphore;
  /** Session lifetime without use (sliding). Default 30 days. */
  sessionTtlSeconds?: number;
  /** How long an answer that a session stands is kept (session-lookups.ts); default SESSION_LOOKUP_KEEP_MS. */
  sessionLookupKeepMs?: number;
}

export function createAuth(
  db: Db,
  { secureCookies, hashConcurrency, sessionTtlSeconds = 30 * 24 * 3600, sessionLookupKeepMs }: AuthOptions,
): Auth {
  const lucia = createLucia(db, secureCookies, sessionTtlSeconds);
  const hasher = createPasswordHasher(hashConcurrency);
  const signIn = async (user: User, client: SignInClient = { userAgent: null, ip: null }): Promise<SignedIn> => {
    const session = await lucia.createSession(user.id, describeClient(client));
    return { user, token: session.id };
  };
  async function lookUp(token: string): Promise<ValidSession | null> {
    const { session, user } = await lucia.validateSession(token);
    if (!session) return null;
    return {
      user: { id: user.id, username: user.username },
      token,
      expiresAt: session.expiresAt,
      renewed: session.fresh,
    };
  }
  /** Shared while in flight, kept for a second (session-lookups.ts). */
  const lookups = createSessionLookups(lookUp, { keepMs: sessionLookupKeepMs });
  /** After a session ends: nothing read before answers again, here; other processes hear it (sessionsEnded). */
  const ended = <T>(result: T): T => {
    lookups.clear();
    return result;
  };
  return {
    register: async (credentials, client) => signIn(await createUser(db, credentials, hasher), client),
    async login(credentials, client) {
      const user = await verifyCredentials(db, credentials, hasher);
      return user ? signIn(user, client) : null;
    },
    validate: (token, { fresh = false } = {}) => lookups.get(token, fresh),
    sessionsEnded: () => lookups.clear(),
    standing: (storedIds) => standingSessions(db, storedIds),
    logout: async (token) => ended(await lucia.invalidateSession(token)),
    logoutAll: async (userId) => ended(await deleteUserSessions(db, userId)),
    endSession: async (userId, id) => ended(await deleteUserSession(db, userId, id)),
    async changePassword(userId, keepToken, passwords) {
      if (!(await changePassword(db, userId, passwords, hasher))) return null;
      return { endedSessions: ended(await deleteOtherSessions(db, userId, keepToken)) };
    },
    sessions: (userId, currentToken) => listUserSessions(db, userId, currentToken),
    purgeExpired: async () => ended(await deleteExpiredSessions(db)),
    tokenFromHeaders({ cookie, authorization }) {
      return (
        (authorization && lucia.readBearerToken(authorization)) || (cookie && lucia.readSessionCookie(cookie)) || null
      );
    },
    sessionCookie: (token) => lucia.createSessionCookie(token).serialize(),
    blankCookie: () => lucia.createBlankSessionCookie().serialize(),
  };
}
