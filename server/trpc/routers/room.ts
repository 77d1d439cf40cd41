/** room.history, room.send, room.messages: the chat itself. */
import { tracked } from "@trpc/server";
import { ActiveRoomsInput, HistoryInput, type Message, MessagesInput, RoomInput, roomGroup, SendInput } from "../../../shared/schemas.ts";
import { activeRooms, appendMessage, ClientIdReusedError, historyPage } from "../../messages/repository.ts";
import { openRoomStream } from "../../messages/room-stream.ts";
import { TRPCError } from "@trpc/server";
import { authedProcedure, publicProcedure, rateLimited, router, takeSubscriptionSlot } from "../init.ts";

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

/** Each event carries its seq as its id: a reconnecting client's `lastEventId` resumes right after it. */
const trackBySeq = (message: Message) => tracked(String(message.seq), message);

export const roomRouter = router({
  /** A page of the room's messages, newest first; follow `nextCursor` for older ones. */
  history: publicProcedure.input(HistoryInput).query(({ ctx, input }) => historyPage(ctx.db, input)),

  /** The rooms with the most recent messages, newest first. */
  active: publicProcedure.input(ActiveRoomsInput).query(async ({ ctx, input }) =>
    (await activeRooms(ctx.db, input.limit)).map((r) => ({ ...r, present: ctx.presence.count(r.name) })),
  ),

  /** Stores the message under the caller's name, then publishes it to the room. */
  send: authedProcedure.input(SendInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.limiters.send, String(ctx.user.id), "messages");
    let appended;
    try {
      appended = await appendMessage(ctx.db, { room: input.room, sender: ctx.user, text: input.text, clientId: input.clientId });
    } catch (error) {
      if (error instanceof ClientIdReusedError) throw new TRPCError({ code: "CONFLICT", message: error.message });
      throw error;
    }
    const { message, duplicate } = appended;
    // A retry was published by the call that stored it.
    if (!duplicate) {
      try {
        await ctx.groups.publish(roomGroup(input.room), { type: "message", message });
      } catch (error) {
        // Stored is sent: subscribers fill the gap from the database on the next message or reconnect.
        console.error(`publish to room '${input.room}' failed; message ${message.seq} is stored`, error);
      }
      // Their message is here: they are no longer typing it.
      ctx.presence.typing(input.room, ctx.user.username, false).catch(() => {});
    }
    return message;
  }),

  /**
   * The room live. Each message is `tracked` by its seq, so a reconnecting
   * client's `lastEventId` resumes exactly after the last one it saw.
   */
  messages: publicProcedure.input(MessagesInput).subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream starts, so an over-limit subscription fails instead of starting.
    const release = onceEnded(signal, takeSubscriptionSlot(ctx));
    try {
      // Subscribed before this returns: tRPC sends "started" then, and what is sent after it must arrive.
      return await openRoomStream({
        db: ctx.db,
        groups: ctx.groups,
        room: input.room,
        after: input.lastEventId ?? undefined,
        signal: signal ?? new AbortController().signal,
        map: trackBySeq,
        onEnd: release,
      });
    } catch (error) {
      release();
      throw error;
    }
  }),

  /**
   * Who is in the room and who is typing: a snapshot at once, then one per change
   * (coalesced). Subscribing is being present: as a user, or counted as a guest.
   * Ephemeral: nothing here is stored or replayed.
   */
  presence: publicProcedure.input(RoomInput).subscription(({ ctx, input, signal }) => {
    const release = takeSubscriptionSlot(ctx);
    const leave = ctx.presence.enter(input.room, ctx.user?.username ?? null);
    const end = onceEnded(signal, () => {
      leave();
      release();
    });
    const watching = ctx.presence.watch(input.room, signal ?? new AbortController().signal);
    return (async function* () {
      try {
        yield* watching;
      } finally {
        end();
      }
    })();
  }),

  /** The caller is typing in the room (send every few seconds while typing; it expires by itself). */
  typing: authedProcedure.input(RoomInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.limiters.typing, String(ctx.user.id), "typing signals");
    await ctx.presence.typing(input.room, ctx.user.username, true);
    return { ok: true as const };
  }),
});
