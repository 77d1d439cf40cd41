/**
 * Sessions for Parlor, the one module that knows Lucia (v3, now unmaintained
 * upstream): swapping it for another session store changes this folder only.
 * A session token travels as a cookie (browsers), a bearer header (scripts over
 * HTTP) or `connectionParams.token` (scripts over WebSocket).
 */
import { Lucia, TimeSpan } from "lucia";
import type { Db } from "../../db/index.ts";
import type { Credentials, User } from "../../shared/schemas.ts";
import type { Semaphore } from "../limits/semaphore.ts";
import { createPasswordHasher } from "./passwords.ts";
import { createSessionAdapter } from "./session-adapter.ts";
import { deleteExpiredSessions, deleteOtherSessions, deleteUserSessions, listUserSessions, type SessionInfo } from "./session-store.ts";
import { changePassword, createUser, verifyCredentials } from "./users.ts";

export type { SessionInfo };

/**
 * The session cookie's name. Over HTTPS it carries the `__Host-` prefix: the
 * browser then accepts it only with `Secure`, `Path=/` and no `Domain`, so a
 * sibling subdomain (or a plain-HTTP page on the same name) cannot plant or
 * shadow it. Only the name in force is read.
 */
export const sessionCookieName = (secureCookies: boolean) => (secureCookies ? "__Host-parlor_session" : "parlor_session");

function createLucia(db: Db, secureCookies: boolean, ttlSeconds: number) {
  return new Lucia(createSessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(ttlSeconds, "s"),
    // Lucia sets no Domain; `__Host-` requires exactly that.
    sessionCookie: { name: sessionCookieName(secureCookies), attributes: { secure: secureCookies, sameSite: "lax", path: "/" } },
    getUserAttributes: (attributes) => ({ username: attributes.username }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    UserId: number;
    DatabaseUserAttributes: { username: string };
  }
}

export interface SignedIn {
  user: User;
  /** The session token: the cookie's value, the bearer token, the WebSocket `connectionParams.token`. */
  token: string;
}

export interface ValidSession {
  user: User;
  token: string;
  expiresAt: Date;
  /** Its expiry was just extended: a cookie-based client should get a fresh cookie. */
  renewed: boolean;
}

export interface Auth {
  register(credentials: Credentials): Promise<SignedIn>;
  /** A new session for correct credentials (never reuses one: no fixation), else null. */
  login(credentials: Credentials): Promise<SignedIn | null>;
  validate(token: string): Promise<ValidSession | null>;
  logout(token: string): Promise<void>;
  /** Ends every session of the user; resolves to their stored keys (SHA-256 of the tokens). */
  logoutAll(userId: number): Promise<string[]>;
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
}

export function createAuth(db: Db, { secureCookies, hashConcurrency, sessionTtlSeconds = 30 * 24 * 3600 }: AuthOptions): Auth {
  const lucia = createLucia(db, secureCookies, sessionTtlSeconds);
  const hasher = createPasswordHasher(hashConcurrency);
  const signIn = async (user: User): Promise<SignedIn> => {
    const session = await lucia.createSession(user.id, {});
    return { user, token: session.id };
  };
  return {
    register: async (credentials) => signIn(await createUser(db, credentials, hasher)),
    async login(credentials) {
      const user = await verifyCredentials(db, credentials, hasher);
      return user ? signIn(user) : null;
    },
    async validate(token) {
      const { session, user } = await lucia.validateSession(token);
      if (!session) return null;
      return { user: { id: user.id, username: user.username }, token, expiresAt: session.expiresAt, renewed: session.fresh };
    },
    logout: (token) => lucia.invalidateSession(token),
    logoutAll: (userId) => deleteUserSessions(db, userId),
    async changePassword(userId, keepToken, passwords) {
      if (!(await changePassword(db, userId, passwords, hasher))) return null;
      return { endedSessions: await deleteOtherSessions(db, userId, keepToken) };
    },
    sessions: (userId, currentToken) => listUserSessions(db, userId, currentToken),
    purgeExpired: () => deleteExpiredSessions(db),
    tokenFromHeaders({ cookie, authorization }) {
      return (authorization && lucia.readBearerToken(authorization)) || (cookie && lucia.readSessionCookie(cookie)) || null;
    },
    sessionCookie: (token) => lucia.createSessionCookie(token).serialize(),
    blankCookie: () => lucia.createBlankSessionCookie().serialize(),
  };
}
