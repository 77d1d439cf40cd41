/** auth.register, auth.login, auth.logout, auth.me. */
import { hashToken } from "../../auth/session-adapter.ts";
import { TRPCError } from "@trpc/server";
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
    // And the session's sockets on every other process.
    await ctx.control.publish({ type: "sessions-ended", sessions: [hashToken(ctx.token)] }).catch((error) => {
      ctx.log.error({ err: error }, "ended session not announced to other processes (they stop it within a second on use)");
    });
    return { ok: true as const };
  }),

  /** The signed-in user, or null for a guest. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
});
