/** auth.register, auth.login, auth.logout, auth.me; the account's own sessions and password. */
import { ChangePasswordInput, EndSessionInput } from "../../../shared/account.ts";
import { Credentials, type User } from "../../../shared/schemas.ts";
import type { SignedIn } from "../../auth/index.ts";
import { addressKey } from "../../limits/client-address.ts";
import type { Context } from "../context.ts";
import { authedProcedure, publicProcedure, rateLimited, refusal, router } from "../init.ts";

/** The caller's address as per-address limits count it (an IPv6 client per /64). */
const callerAddress = (ctx: Context) => addressKey(ctx.ip ?? "unknown");

/**
 * Guessing passwords is limited per address, and per (username, address): a
 * stranger guessing ann's password slows their own address down, never ann
 * signing in from hers. A sign-in that succeeds clears its (username, address) count.
 */
const usernameAtAddress = (ctx: Context, username: string) => `${username.toLowerCase()}@${callerAddress(ctx)}`;
async function limitSignIn(ctx: Context, username: string) {
  await rateLimited(ctx.services.limiters.loginPerIp, callerAddress(ctx), "attempts from this address");
  await rateLimited(
    ctx.services.limiters.loginPerUsernameIp,
    usernameAtAddress(ctx, username),
    `sign-in attempts for '${username}' from this address`,
  );
}

/** What a new session records of who signs in (its browser, system and network: see auth/session-client.ts). */
const signInClient = (ctx: Context) => ({ userAgent: ctx.userAgent ?? null, ip: ctx.ip });

/** Over HTTP the browser gets the session as a cookie too; scripts keep the token. */
/** The user as `auth.me` describes them: with the language they chose (null: their browser's). */
async function described(ctx: Context, user: User) {
  return { ...user, language: await ctx.services.profiles.language(user.id) };
}

/** The session's cookie set, and the signed-in user as `auth.me` would describe them (so a page switches to their language at once). */
async function withCookie(ctx: Context, signedIn: SignedIn) {
  ctx.resHeaders?.append("set-cookie", ctx.services.auth.sessionCookie(signedIn.token));
  return { ...signedIn, user: await described(ctx, signedIn.user) };
}

export const authRouter = router({
  register: publicProcedure.input(Credentials).mutation(async ({ ctx, input }) => {
    // Registering hashes a password too, and mass sign-ups are their own abuse: a limit of its own.
    await rateLimited(ctx.services.limiters.registerPerIp, callerAddress(ctx), "sign-ups from this address");
    // A taken username is a UsernameTakenError (a ConflictError): CONFLICT, by the one mapping in init.ts.
    return withCookie(ctx, await ctx.services.auth.register(input, signInClient(ctx)));
  }),

  login: publicProcedure.input(Credentials).mutation(async ({ ctx, input }) => {
    await limitSignIn(ctx, input.username);
    const signedIn = await ctx.services.auth.login(input, signInClient(ctx));
    if (!signedIn) throw refusal("UNAUTHORIZED", "Wrong username or password.", { reason: "wrongCredentials" });
    await ctx.services.limiters.loginPerUsernameIp.reset(usernameAtAddress(ctx, input.username));
    return withCookie(ctx, signedIn);
  }),

  /** Ends the session everywhere it is open: its cookie, its token, its sockets (this one too) on every process. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.sessions.end(ctx.token);
    ctx.resHeaders?.append("set-cookie", ctx.services.auth.blankCookie());
    return { ok: true as const };
  }),

  /** Ends every session of the caller — this one too — and closes their sockets, here and on every other process. */
  logoutAll: authedProcedure.mutation(async ({ ctx }) => {
    const endedSessions = await ctx.services.sessions.endAll(ctx.user.id);
    ctx.resHeaders?.append("set-cookie", ctx.services.auth.blankCookie());
    return { endedSessions };
  }),

  /**
   * A new password, checked against the current one (limited like sign-in: it is a
   * password guess too). Every other session of the caller ends, and its sockets
   * close on every process; this one stays.
   */
  changePassword: authedProcedure.input(ChangePasswordInput).mutation(async ({ ctx, input }) => {
    await limitSignIn(ctx, ctx.user.username);
    const changed = await ctx.services.sessions.changePassword(ctx.user.id, ctx.token, input);
    if (!changed) throw refusal("FORBIDDEN", "Your current password is not right.", { reason: "wrongPassword" });
    return changed;
  }),

  /**
   * Ends one of the caller's sessions, by the `id` that `auth.sessions` lists:
   * its token stops working and its sockets close (4001) on every process, as
   * for a logout. NOT_FOUND when none of theirs has that id (another user's
   * never does). Ending the current one this way is a logout (the cookie is cleared).
   */
  endSession: authedProcedure.input(EndSessionInput).mutation(async ({ ctx, input }) => {
    const ended = await ctx.services.sessions.endOne(ctx.user.id, input.id, ctx.token);
    if (!ended)
      throw refusal("NOT_FOUND", "You have no session with that id (it may have ended already).", {
        reason: "sessionGone",
      });
    if (ended.current) ctx.resHeaders?.append("set-cookie", ctx.services.auth.blankCookie());
    return { ok: true as const };
  }),

  /** The caller's live sessions: the current one first, then newest first. */
  sessions: authedProcedure.query(({ ctx }) => ctx.services.auth.sessions(ctx.user.id, ctx.token)),

  /** The signed-in user with the language they chose (null: the browser's), or null for a guest. */
  me: publicProcedure.query(({ ctx }) => (ctx.user ? described(ctx, ctx.user) : null)),
});
