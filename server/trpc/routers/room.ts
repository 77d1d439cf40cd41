/** room.history, room.send / edit / delete / react, room.messages, presence and typing: the chat itself. */
import { tracked, TRPCError } from "@trpc/server";
import type { RoomEntry, RoomName } from "../../../shared/schemas.ts";
import {
  ActiveRoomsInput,
  DeleteInput,
  EditInput,
  HistoryInput,
  MessagesInput,
  ReactInput,
  RoomInput,
  SendInput,
} from "../../../shared/schemas.ts";
import { isManager, roomNotFound } from "../../rooms/access.ts";
import { GUEST, type Revocations, type RevokeReason } from "../../rooms/revocations.ts";
import type { Context } from "../context.ts";
import { publicProcedure, rateLimited, roomPostProcedure, roomProcedure, router, takePresenceSlot, takeSubscriptionSlot } from "../init.ts";
import { searchProcedure } from "./room-search.ts";

/**
 * Runs `cleanup` once: when the subscription's signal aborts or when its stream
 * ends, whichever comes first. The signal matters: a stream that is never
 * started (the client left first) is closed without running its `finally`.
 */
function onceEnded(signal: AbortSignal | undefined, cleanup: () => void): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    signal?.removeEventListener("abort", run);
    cleanup();
  };
  signal?.addEventListener("abort", run, { once: true });
  return run;
}

const REVOKED: Record<Exclude<RevokeReason, "hidden">, (room: RoomName) => string> = {
  kicked: (room) => `You were removed from room '${room}'.`,
  banned: (room) => `You were banned from room '${room}'.`,
  left: (room) => `You left room '${room}'.`,
};

/** How a stream ends when its holder loses the room: FORBIDDEN with the reason, or the seam's NOT_FOUND for a room they cannot see now. */
function revokedError(reason: RevokeReason, room: RoomName): TRPCError {
  if (reason === "hidden") return new TRPCError({ code: "NOT_FOUND", message: roomNotFound(room).message });
  return new TRPCError({ code: "FORBIDDEN", message: REVOKED[reason](room) });
}

/** Whom the revocations know a stream's holder as. */
const holder = (ctx: Context) => ctx.user?.id ?? GUEST;

/** A stream's end when its user loses access: the signal that stops it, and the error it then ends with. */
interface Revocation {
  signal: AbortSignal;
  /** FORBIDDEN with the reason once revoked, else undefined. */
  error(): TRPCError | undefined;
  /** Stops watching (call when the stream ends, however it ends). */
  end(): void;
}

/**
 * Watches the caller's access to `room` for one stream: the moment they are
 * kicked, banned or leave, or the room turns private (guests included), on any
 * process, `signal` aborts and `error()` says why — also when that happened
 * between the access check (`since`) and now. Also aborts when the
 * subscription's own signal does.
 */
function watchRevocation(ctx: Context, room: RoomName, since: number, outer: AbortSignal | undefined): Revocation {
  const controller = new AbortController();
  let revoked: RevokeReason | null = null;
  const unwatch = ctx.services.revocations.watch(
    room,
    holder(ctx),
    (reason) => {
      revoked = reason;
      controller.abort();
    },
    since,
  );
  const end = onceEnded(outer, () => {
    unwatch();
    controller.abort();
  });
  return {
    signal: controller.signal,
    error: () => (revoked ? revokedError(revoked, room) : undefined),
    end,
  };
}

/**
 * A room.messages stream's end, in one object (held for the stream's life, so
 * without a closure per concern): it holds the connection's subscription slot,
 * watches the user's access to the room like `watchRevocation`, and is its own
 * listener for the subscription's signal. `end()` releases all of it, once.
 */
class StreamGuard {
  private readonly controller = new AbortController();
  private revoked: RevokeReason | null = null;
  private ended = false;
  private readonly onRevoked: (reason: RevokeReason) => void;

  constructor(
    private readonly revocations: Revocations,
    private readonly room: RoomName,
    /** The holder (GUEST for a guest) and the revocations' mark read before their access check. */
    private readonly userId: number,
    since: number,
    private readonly outer: AbortSignal | undefined,
    private readonly releaseSlot: () => void,
  ) {
    this.onRevoked = this.revoke.bind(this);
    outer?.addEventListener("abort", this, { once: true });
    revocations.add(room, userId, this.onRevoked, since);
  }

  /** Aborts when access is revoked or the subscription stops. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private revoke(reason: RevokeReason): void {
    this.revoked = reason;
    this.controller.abort();
  }

  /** FORBIDDEN with the reason once revoked, else undefined. */
  error(): TRPCError | undefined {
    return this.revoked ? revokedError(this.revoked, this.room) : undefined;
  }

  /** The subscription's signal aborted. */
  handleEvent(): void {
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.outer?.removeEventListener("abort", this);
    this.revocations.unwatch(this.room, this.userId, this.onRevoked);
    this.controller.abort();
    this.releaseSlot();
  }
}

/** Each entry carries its seq as its id: a reconnecting client's `lastEventId` resumes right after it. */
const trackBySeq = (entry: RoomEntry) => tracked(String(entry.seq), entry);

export const roomRouter = router({
  /** A page of the room's messages in their current state, newest first; follow `nextCursor` for older ones. */
  history: roomProcedure.input(HistoryInput).query(({ ctx, input }) => ctx.services.chat.history(input)),

  /** Messages containing every word of a query, in the rooms the caller may read (./room-search.ts). */
  search: searchProcedure,

  /** The public rooms with the most recent messages, newest first. */
  active: publicProcedure.input(ActiveRoomsInput).query(async ({ ctx, input }) =>
    (await ctx.services.chat.active(input.limit)).map((r) => ({ ...r, present: ctx.services.presence.count(r.name) })),
  ),

  /** Stores the message under the caller's name, then publishes it to the room. */
  send: roomPostProcedure.input(SendInput).mutation(async ({ ctx, input }) => {
    const started = performance.now();
    await rateLimited(ctx.services.limiters.send, String(ctx.user.id), "messages");
    const { message, duplicate } = await ctx.services.chat.send(ctx.user, input);
    ctx.services.metrics.observeSendAck((performance.now() - started) / 1000);
    // Their message is here: they are no longer typing it.
    if (!duplicate) ctx.services.presence.typing(input.room, ctx.user.username, false).catch(() => {});
    return message;
  }),

  /** Its sender changes a message's text: an `edit` entry; the updated message. */
  edit: roomPostProcedure.input(EditInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.send, String(ctx.user.id), "changes");
    return ctx.services.chat.edit(ctx.user, input);
  }),

  /** Its sender, or the room's owner or a moderator, takes a message back: a `delete` entry; the message stays as a tombstone. */
  delete: roomPostProcedure.input(DeleteInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.send, String(ctx.user.id), "changes");
    await ctx.services.chat.delete(ctx.user, input, { moderator: ctx.access.exists && isManager(ctx.access.role) });
    return { ok: true as const };
  }),

  /** Adds or removes the caller's emoji on a message: a `reaction` entry; the updated message. */
  react: roomPostProcedure.input(ReactInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.send, String(ctx.user.id), "reactions");
    return ctx.services.chat.react(ctx.user, input);
  }),

  /**
   * The room's log live: messages, edits, deletes and reactions. Each entry is
   * `tracked` by its seq, so a reconnecting client's `lastEventId` resumes
   * exactly after the last one it saw, replaying every change it missed.
   */
  messages: roomProcedure.input(MessagesInput).subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream starts, so an over-limit subscription fails instead of starting.
    const guard = new StreamGuard(ctx.services.revocations, input.room, holder(ctx), ctx.accessMark, signal, takeSubscriptionSlot(ctx));
    try {
      // Subscribed before this returns: tRPC sends "started" then, and what is sent after it must arrive.
      // The room stream itself ends with the revocation's error: no extra generator per delivery.
      return await ctx.services.chat.stream({
        room: input.room,
        after: input.lastEventId ?? undefined,
        signal: guard.signal,
        stopError: guard.error.bind(guard),
        map: trackBySeq,
        // Replays wait while the socket is behind, one batch per connection at a time.
        pace: ctx.connection ? ctx.connection.replayBatch.bind(ctx.connection) : undefined,
        // Once caught up, live entries may come through the server's shared channel (one publish for all).
        seat: ctx.connection?.liveSeat?.(signal),
        onEnd: guard.end.bind(guard),
      });
    } catch (error) {
      guard.end();
      throw error;
    }
  }),

  /**
   * Who is in the room and who is typing: a snapshot at once, then one per change
   * (coalesced). Subscribing is being present: as a user, or counted as a guest.
   * Ephemeral: nothing here is stored or replayed.
   */
  presence: roomProcedure.input(RoomInput).subscription(({ ctx, input, signal }) => {
    const releasePresence = takePresenceSlot(ctx);
    let release: () => void;
    try {
      release = takeSubscriptionSlot(ctx);
    } catch (error) {
      releasePresence();
      throw error;
    }
    const leave = ctx.services.presence.enter(input.room, ctx.user?.username ?? null);
    const end = onceEnded(signal, () => {
      leave();
      release();
      releasePresence();
    });
    const revocation = watchRevocation(ctx, input.room, ctx.accessMark, signal);
    revocation.signal.addEventListener("abort", end, { once: true });
    const watching = ctx.services.presence.watch(input.room, revocation.signal);
    return (async function* () {
      try {
        yield* watching;
        const error = revocation.error();
        if (error) throw error;
      } finally {
        revocation.end();
        end();
      }
    })();
  }),

  /** The caller is typing in the room (send every few seconds while typing; it expires by itself). */
  typing: roomPostProcedure.input(RoomInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.typing, String(ctx.user.id), "typing signals");
    await ctx.services.presence.typing(input.room, ctx.user.username, true);
    return { ok: true as const };
  }),
});
