/**
 * The live relay's channel: how a room's relay (server/chat/live-relay.ts) hands
 * one entry, once, to every caught-up subscriber of the process. The transport
 * implements it (the WebSocket adapter's Bun topics, server/trpc/ws/topics.ts),
 * the room log uses it; it lives here, below both, so neither imports the other.
 *
 * While a subscriber rides, nothing of its stream is left running: the stream's
 * generator ends (`join` took it) and the transport stops reading it; the
 * subscriber is a record in its room's relay. When it is handed back, the room
 * log makes it a new stream from where it was and gives it to `resume`.
 */

/** The transport's side, shared by every subscriber of the process: one call reaches everyone riding `key`. */
export interface LiveChannel {
  publish(key: string, value: unknown): void;
}

/** Who rides a seat: told once if the transport takes it off (its socket fell behind). */
export interface LiveRider {
  behind(): void;
}

/** The transport's side of one subscription. */
export interface LiveSeat {
  readonly channel: LiveChannel;
  /**
   * Starts receiving what `channel.publish(key, …)` sends, after everything this
   * subscription was sent before; the stream that joined then ends, and the
   * transport reads it no more. False when it cannot now (its socket is behind,
   * or closing). `rider.behind()` is called once if the transport takes it off later.
   */
  join(key: string, rider: LiveRider): boolean;
  /** Stops receiving; idempotent. */
  leave(): void;
  /** After `leave`: the subscription goes on with `stream` (its events from where the channel left it). */
  resume(stream: AsyncIterator<unknown>): void;
}
