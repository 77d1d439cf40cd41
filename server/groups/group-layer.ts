/**
 * The channel layer: how a published room event reaches every subscriber, in
 * this process (memory) or in all of them (Redis). One contract, several engines.
 */
import type { RoomEvent } from "../../shared/schemas.ts";

/**
 * Put in a subscriber's stream in place of the events it dropped because it fell
 * more than `capacity` events behind. The consumer resyncs from the database.
 */
export interface Lagged {
  readonly type: "lagged";
  readonly dropped: number;
}

export type Delivery = RoomEvent | Lagged;

export interface SubscribeOptions {
  /** Ends the stream and releases the subscription. */
  signal: AbortSignal;
  /** Events held for a slow consumer before it is told it lagged. */
  capacity?: number;
}

export interface GroupLayer {
  /**
   * Every event it delivers was published by this process (after its commit).
   * False for a layer shared over the network: a room stream then checks each
   * entry against the database before showing it.
   */
  readonly local: boolean;
  /**
   * For a layer over the network: whether this delivered event is vouched for
   * as if it were local (signed with the deployment's key: groups/event-signature.ts),
   * so it needs no confirmation. Absent, or false: confirm it as `local` says.
   */
  vouches?(event: RoomEvent): boolean;
  publish(group: string, event: RoomEvent): Promise<void>;
  /**
   * Resolves once the subscription is live: every event published after that is
   * delivered (or replaced by a `Lagged` marker). The stream ends when `signal` aborts.
   */
  subscribe(group: string, options: SubscribeOptions): Promise<AsyncIterable<Delivery>>;
  /**
   * Calls `listener` synchronously for each event of `group` as this process
   * receives it, in order, with no queue in between (so it must not block), and
   * `onLagged` when events may have been lost (where subscribers get a `Lagged`).
   * What the live relay (chat/live-relay.ts) hangs on. Returns the unlisten.
   */
  listen?(group: string, listener: (event: RoomEvent) => void, onLagged?: () => void): () => void;
  /** A layer over the network says whether it is connected (readiness, metrics); an in-process one has no status. */
  status?(): { connected: boolean; reconnects: number };
  /** Live local subscriptions of a group (for tests and metrics). */
  subscriberCount(group: string): number;
  close(): Promise<void>;
}

/** Whether `event`, as `groups` delivered it, needs no confirmation against the database: published here, or vouched for. */
export const trustedEvent = (groups: GroupLayer, event: RoomEvent): boolean =>
  groups.local || groups.vouches?.(event) === true;
