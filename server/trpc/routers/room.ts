/** room.history, room.send, room.messages: the chat itself. */
import { tracked } from "@trpc/server";
import { ActiveRoomsInput, HistoryInput, MessagesInput, roomGroup, SendInput } from "../../../shared/schemas.ts";
import { activeRooms, appendMessage, ClientIdReusedError, historyPage } from "../../messages/repository.ts";
import { openRoomStream } from "../../messages/room-stream.ts";
import { TRPCError } from "@trpc/server";
import { authedProcedure, publicProcedure, rateLimited, router } from "../init.ts";

export const roomRouter = router({
  /** A page of the room's messages, newest first; follow `nextCursor` for older ones. */
  history: publicProcedure.input(HistoryInput).query(({ ctx, input }) => historyPage(ctx.db, input)),

  /** The rooms with the most recent messages, newest first. */
  active: publicProcedure.input(ActiveRoomsInput).query(({ ctx, input }) => activeRooms(ctx.db, input.limit)),

  /** Stores the message under the caller's name, then publishes it to the room. */
  send: authedProcedure.input(SendInput).mutation(async ({ ctx, input }) => {
    rateLimited(ctx.limiters.send, String(ctx.user.id), "messages");
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
    }
    return message;
  }),

  /**
   * The room live. Each message is `tracked` by its seq, so a reconnecting
   * client's `lastEventId` resumes exactly after the last one it saw.
   */
  messages: publicProcedure.input(MessagesInput).subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream starts, so an over-limit subscription fails instead of starting.
    const connection = ctx.connection;
    if (connection && connection.subscriptions >= ctx.limits.maxSubscriptionsPerConnection) {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${ctx.limits.maxSubscriptionsPerConnection} subscriptions per connection.` });
    }
    if (connection) connection.subscriptions++;
    let stream;
    try {
      // Subscribed before this returns: tRPC sends "started" then, and what is sent after it must arrive.
      stream = await openRoomStream({
        db: ctx.db,
        groups: ctx.groups,
        room: input.room,
        after: input.lastEventId ?? undefined,
        signal: signal ?? new AbortController().signal,
      });
    } catch (error) {
      if (connection) connection.subscriptions--;
      throw error;
    }
    return (async function* () {
      try {
        for await (const message of stream) yield tracked(String(message.seq), message);
      } finally {
        if (connection) connection.subscriptions--;
      }
    })();
  }),
});
