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
import { authedProcedure, publicProcedure, rateLimited, router, takePresenceSlot, takeSubscriptionSlot } from "../init.ts";

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

/** Each entry carries its seq as its id: a reconnecting client's `lastEventId` resumes right after it. */
const trackBySeq = (entry: RoomEntry) => tracked(String(entry.seq), entry);

export const roomRouter = router({
  /** A page of the room's messages in their current state, newest first; follow `nextCursor` for older ones. */
  history: publicProcedure.input(HistoryInput).query(({ ctx, input }) => ctx.chat.history(input)),

  /** The rooms with the most recent messages, newest first. */
  active: publicProcedure.input(ActiveRoomsInput).query(async ({ ctx, input }) =>
    (await ctx.chat.active(input.limit)).map((r) => ({ ...r, present: ctx.presence.count(r.name) })),
  ),

  /** Stores the message under the caller's name, then publishes it to the room. */
  send: authedProcedure.input(SendInput).mutation(async ({ ctx, input }) => {
    rateLimited(ctx.limiters.send, String(ctx.user.id), "messages");
    const { message, duplicate } = await ctx.chat.send(ctx.user, input);
    // Their message is here: they are no longer typing it.
    if (!duplicate) ctx.presence.typing(input.room, ctx.user.username, false).catch(() => {});
    return message;
  }),

  /** Its sender changes a message's text: an `edit` entry; the updated message. */
  edit: authedProcedure.input(EditInput).mutation(({ ctx, input }) => {
    rateLimited(ctx.limiters.send, String(ctx.user.id), "changes");
    return ctx.chat.edit(ctx.user, input);
  }),

  /** Its sender takes a message back: a `delete` entry; the message stays as a tombstone. */
  delete: authedProcedure.input(DeleteInput).mutation(async ({ ctx, input }) => {
    rateLimited(ctx.limiters.send, String(ctx.user.id), "changes");
    await ctx.chat.delete(ctx.user, input);
    return { ok: true as const };
  }),

  /** Adds or removes the caller's emoji on a message: a `reaction` entry; the updated message. */
  react: authedProcedure.input(ReactInput).mutation(({ ctx, input }) => {
    rateLimited(ctx.limiters.send, String(ctx.user.id), "reactions");
    return ctx.chat.react(ctx.user, input);
  }),

  /**
   * The room's log live: messages, edits, deletes and reactions. Each entry is
   * `tracked` by its seq, so a reconnecting client's `lastEventId` resumes
   * exactly after the last one it saw, replaying every change it missed.
   */
  messages: publicProcedure.input(MessagesInput).subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream starts, so an over-limit subscription fails instead of starting.
    const release = onceEnded(signal, takeSubscriptionSlot(ctx));
    try {
      // Subscribed before this returns: tRPC sends "started" then, and what is sent after it must arrive.
      return await ctx.chat.stream({
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
    const releasePresence = takePresenceSlot(ctx);
    let release: () => void;
    try {
      release = takeSubscriptionSlot(ctx);
    } catch (error) {
      releasePresence();
      throw error;
    }
    const leave = ctx.presence.enter(input.room, ctx.user?.username ?? null);
    const end = onceEnded(signal, () => {
      leave();
      release();
      releasePresence();
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
    rateLimited(ctx.limiters.typing, String(ctx.user.id), "typing signals");
    await ctx.presence.typing(input.room, ctx.user.username, true);
    return { ok: true as const };
  }),
});
