/** auth.register, auth.login, auth.logout, auth.me. */
import { hashToken } from "../../auth/session-adapter.ts";
import { TRPCError } from "@trpc/server";
import { Credentials } from "../../../shared/schemas.ts";
import type { SignedIn } from "../../auth/auth.ts";
import { UsernameTakenError } from "../../auth/users.ts";
import { addressKey } from "../../http/client-address.ts";
import type { Context } from "../context.ts";
import { authedProcedure, publicProcedure, rateLimited, router } from "../init.ts";

/** The caller's address as per-address limits count it (an IPv6 client per /64). */
const callerAddress = (ctx: Context) => addressKey(ctx.ip ?? "unknown");

/**
 * Guessing passwords is limited per address, and per (username, address): a
 * stranger guessing ann's password slows their own address down, never ann
 * signing in from hers. A sign-in that succeeds clears its (username, address) count.
 */
const usernameAtAddress = (ctx: Context, username: string) => `${username.toLowerCase()}@${callerAddress(ctx)}`;
async function limitSignIn(ctx: Context, username: string) {
  await rateLimited(ctx.limiters.loginPerIp, callerAddress(ctx), "attempts from this address");
  await rateLimited(ctx.limiters.loginPerUsernameIp, usernameAtAddress(ctx, username), `sign-in attempts for '${username}' from this address`);
}

/** Over HTTP the browser gets the session as a cookie too; scripts keep the token. */
function withCookie(ctx: Context, signedIn: SignedIn): SignedIn {
  ctx.resHeaders?.append("set-cookie", ctx.auth.sessionCookie(signedIn.token));
  return signedIn;
}

export const authRouter = router({
  register: publicProcedure.input(Credentials).mutation(async ({ ctx, input }) => {
    // Registering hashes a password too, and mass sign-ups are their own abuse: a limit of its own.
    await rateLimited(ctx.limiters.registerPerIp, callerAddress(ctx), "sign-ups from this address");
    try {
      return withCookie(ctx, await ctx.auth.register(input));
    } catch (error) {
      if (error instanceof UsernameTakenError) throw new TRPCError({ code: "CONFLICT", message: error.message });
      throw error;
    }
  }),

  login: publicProcedure.input(Credentials).mutation(async ({ ctx, input }) => {
    await limitSignIn(ctx, input.username);
    const signedIn = await ctx.auth.login(input);
    if (!signedIn) throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong username or password." });
    await ctx.limiters.loginPerUsernameIp.reset(usernameAtAddress(ctx, input.username));
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
      console.error("[parlor] ended session not announced to other processes (they stop it within a second on use)", error);
    });
    return { ok: true as const };
  }),

  /** The signed-in user, or null for a guest. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
});
