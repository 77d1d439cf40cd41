/**
 * The slots one WebSocket connection holds while its streams run: presence watches,
 * its one `me.rooms` watch, subscriptions. Each take refuses with TOO_MANY_REQUESTS
 * before the stream starts, and returns the release (idempotent). Over HTTP there
 * are no streams to bound: a take is a no-op.
 */
import { TRPCError } from "@trpc/server";
import { MAX_PRESENCE_WATCHES_PER_CONNECTION } from "../limits/defaults.ts";
import type { Context } from "./context.ts";

/**
 * Holds one of the connection's presence slots (MAX_PRESENCE_WATCHES_PER_CONNECTION),
 * or refuses with TOO_MANY_REQUESTS. Returns the release.
 */
export function takePresenceSlot(ctx: Context): () => void {
  const connection = ctx.connection;
  if (!connection) return () => {};
  if (connection.presenceWatches >= MAX_PRESENCE_WATCHES_PER_CONNECTION) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `At most ${MAX_PRESENCE_WATCHES_PER_CONNECTION} rooms' presence per connection.`,
    });
  }
  connection.presenceWatches++;
  let released = false;
  return () => {
    if (!released) connection.presenceWatches--;
    released = true;
  };
}

/**
 * Holds the connection's one `me.rooms` watch, or refuses with
 * TOO_MANY_REQUESTS: one watch already carries every room of the user, and
 * each follows up to 200 rooms, so a frame of 100 would follow 20,000.
 * Returns the release (idempotent).
 */
export function takeMyRoomsSlot(ctx: Context): () => void {
  const connection = ctx.connection;
  if (!connection) return () => {};
  if (connection.watchingMyRooms) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: "At most one me.rooms per connection: the one open already carries all your rooms.",
    });
  }
  connection.watchingMyRooms = true;
  let released = false;
  return () => {
    if (!released) connection.watchingMyRooms = false;
    released = true;
  };
}

/**
 * Holds one of the connection's subscription slots (WebSocket only), or refuses
 * with TOO_MANY_REQUESTS before the subscription starts. Returns the release.
 */
export function takeSubscriptionSlot(ctx: Context): () => void {
  const connection = ctx.connection;
  if (!connection) return () => {};
  const max = ctx.services.limits.maxSubscriptionsPerConnection;
  if (connection.subscriptions >= max)
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${max} subscriptions per connection.` });
  connection.subscriptions++;
  let released = false;
  return () => {
    if (!released) connection.subscriptions--;
    released = true;
  };
}
