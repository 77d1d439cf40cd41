/** auth.register, auth.login, auth.logout, auth.me; the account's own sessions and password. */
import { TRPCError } from "@trpc/server";
import { ChangePasswordInput } from "../../../shared/account.ts";
import { Credentials } from "../../../shared/schemas.ts";
import type { SignedIn } from "../../auth/auth.ts";
import { UsernameTakenError } from "../../auth/users.ts";
import type { Context } from "../context.ts";
import { authedProcedure, publicProcedure, rateLimited, router } from "../init.ts";

/** Guessing passwords is limited per account and per address; registering (which hashes too) per address. */
function limitAttempts(ctx: Context, username: string | null) {
  rateLimited(ctx.limiters.loginPerIp, ctx.ip ?? "unknown", "attempts from this address");
  if (username !== null) rateLimited(ctx.limiters.loginPerUsername, username.toLowerCase(), `sign-in attempts for '${username}'`);
}

/** Over HTTP the browser gets the session as a cookie too; scripts keep the token. */
function withCookie(ctx: Context, signedIn: SignedIn): SignedIn {
  ctx.resHeaders?.append("set-cookie", ctx.auth.sessionCookie(signedIn.token));
  return signedIn;
}

export const authRouter = router({
  register: publicProcedure.input(Credentials).mutation(async ({ ctx, input }) => {
    limitAttempts(ctx, null);
    try {
      return withCookie(ctx, await ctx.auth.register(input));
    } catch (error) {
      if (error instanceof UsernameTakenError) throw new TRPCError({ code: "CONFLICT", message: error.message });
      throw error;
    }
  }),

  login: publicProcedure.input(Credentials).mutation(async ({ ctx, input }) => {
    limitAttempts(ctx, input.username);
    const signedIn = await ctx.auth.login(input);
    if (!signedIn) throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong username or password." });
    return withCookie(ctx, signedIn);
  }),

  /** Ends the session everywhere it is open: its cookie, its token, its sockets. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.auth.logout(ctx.token);
    ctx.resHeaders?.append("set-cookie", ctx.auth.blankCookie());
    // Closing the socket this call came in on too is the point: it carried the session.
    ctx.sockets.closeSession(ctx.token);
    return { ok: true as const };
  }),

  /**
   * Ends every session of the caller — this one too — and closes their sockets
   * here; sockets on other processes stop acting within a second (re-check).
   */
  logoutAll: authedProcedure.mutation(async ({ ctx }) => {
    const ended = await ctx.auth.logoutAll(ctx.user.id);
    ctx.resHeaders?.append("set-cookie", ctx.auth.blankCookie());
    ctx.sockets.closeUser(ctx.user.id);
    return { endedSessions: ended.length };
  }),

  /**
   * A new password, checked against the current one (limited like sign-in: it is a
   * password guess too). Every other session of the caller ends; this one stays.
   */
  changePassword: authedProcedure.input(ChangePasswordInput).mutation(async ({ ctx, input }) => {
    limitAttempts(ctx, ctx.user.username);
    const changed = await ctx.auth.changePassword(ctx.user.id, ctx.token, input);
    if (!changed) throw new TRPCError({ code: "FORBIDDEN", message: "Your current password is not right." });
    ctx.sockets.closeUser(ctx.user.id, { exceptToken: ctx.token });
    return { endedSessions: changed.endedSessions.length };
  }),

  /** The caller's live sessions: the current one first, then newest first. */
  sessions: authedProcedure.query(({ ctx }) => ctx.auth.sessions(ctx.user.id, ctx.token)),

  /** The signed-in user, or null for a guest. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
});
