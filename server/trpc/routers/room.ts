/** room.history, room.send / edit / delete / react, room.messages, presence and typing: the chat itself. */
import { tracked } from "@trpc/server";
import type { RoomEntry } from "../../../shared/schemas.ts";
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
import { isManager } from "../../rooms/access.ts";
import {
  publicProcedure,
  rateLimited,
  roomPostProcedure,
  roomProcedure,
  roomStreamProcedure,
  router,
  takePresenceSlot,
  takeSubscriptionSlot,
} from "../init.ts";
import { searchProcedure } from "./room-search.ts";
import { holder, StreamGuard } from "./stream-guard.ts";

/** Each entry carries its seq as its id: a reconnecting client's `lastEventId` resumes right after it. */
const trackBySeq = (entry: RoomEntry) => tracked(String(entry.seq), entry);

export const roomRouter = router({
  /** A page of the room's messages in their current state, newest first; follow `nextCursor` for older ones. */
  history: roomProcedure.input(HistoryInput).query(({ ctx, input }) => ctx.services.chat.history(input)),

  /** Messages containing every word of a query, in the rooms the caller may read (./room-search.ts). */
  search: searchProcedure,

  /** The public rooms with the most recent messages, newest first. */
  active: publicProcedure.input(ActiveRoomsInput).query(async ({ ctx, input }) =>
    (await ctx.services.chat.active(input.limit)).map((r) => ({
      ...r,
      present: ctx.services.presence.count(r.name),
    })),
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
  messages: roomStreamProcedure.input(MessagesInput).subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream starts, so an over-limit subscription fails instead of starting.
    const stream = { room: input.room, userId: holder(ctx), since: ctx.accessMark };
    // On a WebSocket the connection ends it with the revocation's error: the stream's signal is the subscription's.
    const guard = new StreamGuard(ctx.services.revocations, stream, signal, takeSubscriptionSlot(ctx), ctx.connection);
    try {
      // Subscribed before this returns: tRPC sends "started" then, and what is sent after it must arrive.
      // The room stream itself ends with the revocation's error: no extra generator per delivery.
      return await ctx.services.chat.stream({
        room: input.room,
        after: input.lastEventId ?? undefined,
        // Its signal aborts when access is revoked or the subscription stops; it ends the stream with the revocation's error.
        signal: guard.signal,
        ending: guard,
        map: trackBySeq,
        // Replays wait while the socket is behind, one batch per connection at a time.
        pacer: ctx.connection ?? undefined,
        // Once caught up, live entries may come through the server's shared channel (one publish for all).
        seat: ctx.connection?.liveSeat?.(signal),
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
  presence: roomStreamProcedure.input(RoomInput).subscription(({ ctx, input, signal }) => {
    const releasePresence = takePresenceSlot(ctx);
    let release: () => void;
    try {
      release = takeSubscriptionSlot(ctx);
    } catch (error) {
      releasePresence();
      throw error;
    }
    const leave = ctx.services.presence.enter(input.room, ctx.user?.username ?? null);
    const stream = { room: input.room, userId: holder(ctx), since: ctx.accessMark };
    const guard = new StreamGuard(ctx.services.revocations, stream, signal, () => {
      leave();
      release();
      releasePresence();
    });
    // Revoked: out of the room's presence at once, not when the watch next wakes.
    guard.signal.addEventListener("abort", guard, { once: true });
    const watching = ctx.services.presence.watch(input.room, guard.signal);
    return (async function* () {
      try {
        yield* watching;
        const error = guard.error();
        if (error) throw error;
      } finally {
        guard.end();
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
