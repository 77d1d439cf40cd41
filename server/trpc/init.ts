/** tRPC is initialised here, once; routers import the procedures, never `t`. */
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { isStorageUnavailable } from "../../db/unavailable.ts";
import type { ErrorDetail } from "../../shared/error-reasons.ts";
import { ROOM_NAME_MAX, RoomInput, type RoomName, type User } from "../../shared/schemas.ts";
import { DomainError, TooManyRequestsError } from "../errors/domain-errors.ts";
import { internalErrorMessage } from "../errors/error-id.ts";
import { SESSION_RECHECK_MS } from "../limits/defaults.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import { requireCanPost, requireVisible } from "../rooms/access.ts";
import { type ConnectionState, type Context, sessionEnded } from "./context.ts";
import { domainErrorToTRPC, STORAGE_UNAVAILABLE_MESSAGE } from "./domain-errors.ts";

/** "room: A room name may contain only …" — one line a person can act on, per problem. */
function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/**
 * One input problem as a client reads it: where, the English sentence, and
 * zod's code with the bound it broke, so a client can say it in its language.
 */
function issueData(issue: ZodError["issues"][number]) {
  const bound =
    issue.code === "too_small"
      ? { minimum: Number(issue.minimum) }
      : issue.code === "too_big"
        ? { maximum: Number(issue.maximum) }
        : {};
  return { path: issue.path.map(String), message: issue.message, code: issue.code, ...bound };
}

/** The reason of a refusal made here with its own code (not a domain error, which the middleware would map again). */
class RefusalReason extends Error {
  constructor(
    message: string,
    readonly detail: ErrorDetail,
  ) {
    super(message);
  }
}

/** A refusal with its English message and, for clients that translate, its reason. */
export const refusal = (code: TRPCError["code"], message: string, detail: ErrorDetail) =>
  new TRPCError({ code, message, cause: new RefusalReason(message, detail) });

const t = initTRPC.context<Context>().create({
  // Subscriptions are served over the WebSocket only (one set of caps, Origin rule and
  // session checks); server/http/trpc-http-rules.ts refuses them over HTTP before any
  // procedure runs. Off here as well, in case a request ever gets past that.
  sse: { enabled: false },
  errorFormatter({ shape, error }) {
    // No stack trace to any client, in any mode: the server log has it, under the error's id.
    const { stack: _stack, ...data } = shape.data;
    const base = { ...shape, data };
    // Our own failures (and anything that is not a TRPCError) say nothing of their cause.
    if (error.code === "INTERNAL_SERVER_ERROR") {
      // The database out of reach where no procedure ran yet (a session looked up for the context): retryable too.
      if (isStorageUnavailable(error.cause)) {
        return {
          ...base,
          message: STORAGE_UNAVAILABLE_MESSAGE,
          data: { ...data, code: "SERVICE_UNAVAILABLE" as const, httpStatus: 503 },
        };
      }
      return { ...base, message: internalErrorMessage(error) };
    }
    if (error.cause instanceof ZodError) {
      return {
        ...base,
        message: describeZodError(error.cause),
        data: { ...base.data, issues: error.cause.issues.map(issueData) },
      };
    }
    // Why, by name, for clients that word it in the user's language (shared/error-reasons.ts).
    const detail =
      error.cause instanceof DomainError || error.cause instanceof RefusalReason ? error.cause.detail : undefined;
    return detail ? { ...base, data: { ...base.data, reason: detail.reason, params: detail.params ?? {} } } : base;
  },
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;

/*
 * Every middleware level costs each call copies of tRPC's call options, and
 * each one that passes `ctx` a copy of the context, made property by property
 * by tRPC's down-levelled spread helper: in process, about 2.5 µs of CPU per
 * level. So the context is a handful of keys (the services under one), and each
 * procedure has as few middlewares as its checks need: one for every call (a
 * room's seam runs those checks itself: one level in all), and each passes `ctx`
 * at most once.
 */

/**
 * Every procedure: over HTTP, a batch's calls all run at once, so past
 * MAX_CALLS_IN_FLIGHT the rest of the request is refused (the WebSocket counts
 * its calls in flight itself); on a signed-in socket, its session is confirmed
 * again at most once a second (reads and stream starts too: see recheckSession);
 * and the services' domain errors (server/errors/domain-errors.ts) leave as tRPC codes.
 */
const everyCall = t.middleware(async function everyCall({ ctx, batchIndex, next }) {
  await beforeEveryCall(ctx, batchIndex);
  const result = await next();
  if (result.ok) return result;
  const mapped = domainErrorToTRPC(result.error.cause);
  return mapped ? { ...result, error: mapped } : result;
});

/** `everyCall`'s checks, before anything of the call runs. */
async function beforeEveryCall(ctx: Context, batchIndex: number): Promise<void> {
  const max = ctx.services.limits.maxCallsInFlight;
  const connection = ctx.connection;
  if (connection === null) {
    if (batchIndex >= max) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `At most ${max} calls at once per request: send the rest in another request.`,
      });
    }
  } else if (ctx.token !== null && Date.now() - connection.sessionCheckedAt >= SESSION_RECHECK_MS) {
    await recheckSession(ctx, connection, ctx.token);
  }
}

export const publicProcedure = t.procedure.use(everyCall);

/**
 * A socket's context was built when it connected, and every call on it acts (and
 * reads) as that session's user: check that the session still stands. It may have
 * ended where nobody could close this socket (on another process whose
 * announcement was lost). The call is refused with UNAUTHORIZED, and the session's
 * sockets here close (4001, on the next turn, after this answer), which ends their
 * open streams too.
 */
async function recheckSession(ctx: Context, connection: ConnectionState, token: string): Promise<void> {
  if (!(await ctx.services.sessions.stillStands(token))) throw sessionEnded();
  connection.sessionCheckedAt = Date.now();
}

/** The caller, signed in (on a socket, `everyCall` has confirmed the session within the last second); else UNAUTHORIZED. */
function requireSignedIn(ctx: Context): { user: User; token: string } {
  if (!ctx.user || !ctx.token) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
  return { user: ctx.user, token: ctx.token };
}

/** Procedures for signed-in users: `ctx.user` and `ctx.token` are set. */
export const authedProcedure = publicProcedure.use(async function signedIn({ ctx, next }) {
  return next({ ctx: requireSignedIn(ctx) });
});

/**
 * The access seam: every procedure about one room is built from one of these,
 * so none can forget the check. Each looks the room up for the caller once
 * (`ctx.access`) and refuses a private room they are not in with NOT_FOUND —
 * the answer a name never used gets. The seam reads the room from the raw
 * input itself; the procedure then gives its whole input schema (which has
 * `room`) with `.input()`, once: a seam with an input of its own would make
 * every call parse twice and run one more level of tRPC's chain.
 */

/**
 * Room names as typed → as RoomName makes them (zod's own answers, kept): the
 * procedure's `.input()` parses each call's input once; the seam, which must know
 * the room before that, parses a name once per process, not once per call.
 */
const roomNames = new Map<string, RoomName>();
/** Names remembered at most (past it the memory starts over); longer typed names are not kept. */
const ROOM_NAMES_MAX = 4096;
const TYPED_NAME_MAX = 2 * ROOM_NAME_MAX;

/** The `room` of a call's raw input, or BAD_REQUEST as the input parser would answer it. */
async function roomOf(getRawInput: () => Promise<unknown>): Promise<RoomName> {
  const raw = await getRawInput();
  const typed = typeof raw === "object" && raw !== null ? (raw as { room?: unknown }).room : undefined;
  if (typeof typed === "string") {
    const known = roomNames.get(typed);
    if (known !== undefined) return known;
  }
  const parsed = RoomInput.safeParse(raw);
  if (!parsed.success) throw new TRPCError({ code: "BAD_REQUEST", cause: parsed.error });
  if (typeof typed === "string" && typed.length <= TYPED_NAME_MAX) {
    if (roomNames.size >= ROOM_NAMES_MAX) roomNames.clear();
    roomNames.set(typed, parsed.data.room);
  }
  return parsed.data.room;
}
/**
 * A seam with `everyCall` in it: one level of tRPC's chain where `publicProcedure.use(seam)`
 * makes two (each level copies the call's options and context: about 3 µs a call). It
 * answers as those two levels did: `everyCall`'s checks first, then the seam's; a domain
 * error, from the seam or what runs after it, leaves as its tRPC code.
 */
function seam<Added extends object>(admit: (ctx: Context, getRawInput: () => Promise<unknown>) => Promise<Added>) {
  return t.procedure.use(async function roomSeam({ ctx, batchIndex, getRawInput, next }) {
    await beforeEveryCall(ctx, batchIndex);
    let added: Added;
    try {
      added = await admit(ctx, getRawInput);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      throw domainErrorToTRPC(error.cause) ?? error;
    }
    const result = await next({ ctx: added });
    if (result.ok) return result;
    const mapped = domainErrorToTRPC(result.error.cause);
    return mapped ? { ...result, error: mapped } : result;
  });
}

/** Reading a room (history, its stream, presence, info, members): anyone who can see it. */
export const roomProcedure = seam(async function roomAccess(ctx, getRawInput) {
  // Read before the check: a stream registering later ends if a change that removes the caller was heard since.
  const accessMark = ctx.services.revocations.mark();
  const access = await ctx.services.rooms.access(await roomOf(getRawInput), ctx.user);
  requireVisible(access);
  return { access, accessMark };
});

/**
 * Opening a room's stream (room.messages, room.presence): anyone who can see it, as
 * `roomProcedure` answers; an answer that lets them see it is remembered for a moment
 * (rooms/stream-access.ts), so a burst of one user's sockets opening a room reads it once.
 */
export const roomStreamProcedure = seam(async function roomStreamAccess(ctx, getRawInput) {
  const accessMark = ctx.services.revocations.mark();
  const access = await ctx.services.rooms.streamAccess(await roomOf(getRawInput), ctx.user);
  requireVisible(access);
  return { access, accessMark };
});

/** Posting in a room (send, edit, delete, react, typing): signed in, can see it, not banned. */
export const roomPostProcedure = seam(async function roomPostAccess(ctx, getRawInput) {
  const room = await roomOf(getRawInput);
  const caller = requireSignedIn(ctx);
  const access = await ctx.services.rooms.postAccess(room, caller.user);
  requireCanPost(access);
  return { ...caller, access };
});

/** Membership and moderation (join, leave, invite, kick, ban, roles, topic): signed in, can see it; the rooms service checks roles. */
export const roomMemberProcedure = seam(async function roomMemberAccess(ctx, getRawInput) {
  const room = await roomOf(getRawInput);
  const caller = requireSignedIn(ctx);
  const access = await ctx.services.rooms.access(room, caller.user);
  requireVisible(access);
  return { ...caller, access };
});

/** Refuses with TOO_MANY_REQUESTS when `key` has used up its limit, saying when to retry. */
export async function rateLimited(limiter: RateLimiter, key: string, what: string): Promise<void> {
  const waitMs = await limiter.take(key);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    const message = `Too many ${what}: try again in ${seconds} s.`;
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message,
      cause: new TooManyRequestsError(message, { reason: "rateLimited", params: { seconds } }),
    });
  }
}

// The connection's slots (presence watches, `me.rooms`, subscriptions): procedures import them from here.
export { takeMyRoomsSlot, takePresenceSlot, takeSubscriptionSlot } from "./connection-slots.ts";
