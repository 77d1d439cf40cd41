/** tRPC is initialised here, once; routers import the procedures, never `t`. */
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Context } from "./context.ts";

/** "room: A room name may contain only …" — one line a person can act on, per problem. */
function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    if (error.cause instanceof ZodError) {
      return {
        ...shape,
        message: describeZodError(error.cause),
        data: { ...shape.data, issues: error.cause.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
      };
    }
    return shape;
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

const signedIn = t.middleware(function signedIn({ ctx, next }) {
  if (!ctx.user || !ctx.token) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
  return next({ ctx: { ...ctx, user: ctx.user, token: ctx.token } });
});

/** Procedures for signed-in users: `ctx.user` and `ctx.token` are set. */
export const authedProcedure = t.procedure.use(signedIn);
