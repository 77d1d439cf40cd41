/**
 * The live relay's channel: how a room's relay (server/chat/live-relay.ts) hands
 * one entry, once, to every caught-up subscriber of the process. The transport
 * implements it (the WebSocket adapter's Bun topics, server/trpc/ws/topics.ts),
 * the room log uses it; it lives here, below both, so neither imports the other.
 */

/** The transport's side, shared by every subscriber of the process: one call reaches everyone riding `key`. */
export interface LiveChannel {
  publish(key: string, value: unknown): void;
}

/** The transport's side of one subscription. */
export interface LiveSeat {
  readonly channel: LiveChannel;
  /**
   * Starts receiving what `channel.publish(key, …)` sends, after everything this
   * subscription was sent before. False when it cannot now (its socket is behind,
   * or closing). `onBehind` is called once if the transport takes it off later.
   */
  join(key: string, onBehind: () => void): boolean;
  /** Stops receiving; idempotent. */
  leave(): void;
}
