/**
 * Live delivery through Bun's native topic publish (the live relay's channel, see
 * server/groups/live-channel.ts): for each key (a room) and each request prefix
 * among its caught-up subscribers (most clients share ids), one Bun topic; one
 * `server.publish` per topic writes the frame to every socket in it from native
 * code, with no per-subscriber JavaScript.
 *
 * What the per-subscriber path checks per write is checked here per bytes
 * published: each time a quarter of the high-water mark has been published in
 * all (whatever the key: one socket may ride many rooms), every member's queued
 * bytes are read; a member at or above the high-water mark is taken off (its
 * stream follows on its own, paced by drain), one past the slow-consumer limit
 * is closed with 4003. A member joins below the mark, so it holds at most
 * 1.25 × the mark (plus a frame) before it is checked: under the slow-consumer
 * limit, and far under Bun's own backpressure limit, which would drop the socket
 * without a reason. Checking per bytes, not per write, keeps it off the per-event cost.
 */
import type { LiveChannel, LiveRider, LiveSeat } from "../../groups/live-channel.ts";
import type { FrameEncoder } from "./protocol.ts";

/** The part of Bun's Server a topic channel uses. */
export interface TopicServer {
  publish(topic: string, data: string): number;
}

/** The part of a connection a member is. */
export interface TopicMember {
  readonly isOpen: boolean;
  /** Bytes queued for the socket: our outbox plus Bun's buffer. */
  queuedBytes(): number;
  /** Hands our outbox to Bun (what was sent before goes first). */
  flush(): void;
  subscribeTopic(topic: string): void;
  unsubscribeTopic(topic: string): void;
  /** Closes as too slow (4003, the client resumes). */
  closeTooSlow(): void;
}

export interface TopicChannelOptions {
  frames: FrameEncoder;
  highWaterBytes: number;
  slowConsumerBytes: number;
  stats: { deliveries: number };
}

export interface TopicChannel extends LiveChannel {
  /** The Bun server to publish through (known once it serves); until then no seat can join. */
  attach(server: TopicServer): void;
  /** One subscription's seat, its frames starting with `prefix`; `subscription` goes on with the stream a hand-back resumes. */
  seat(member: TopicMember, prefix: string, subscription: SeatHolder): TopicSeat;
  /** Members of `key`'s topics (tests, metrics). */
  members(key: string): number;
}

/** The subscription a seat belongs to: what reads its stream (subscriptions.ts). */
export interface SeatHolder {
  /** Reads `stream` from now on (the one that joined has ended). */
  resume(stream: AsyncIterator<unknown>): void;
}

/** A seat as its subscription sees it: whether its subscriber rides (is in a topic) now. */
export interface TopicSeat extends LiveSeat {
  readonly joined: boolean;
}

/** One subscription on the channel: in one topic while joined. */
class Seat implements TopicSeat {
  topic: string | null = null;
  key = "";
  rider: LiveRider | null = null;

  constructor(
    readonly channel: TopicChannelImpl,
    readonly member: TopicMember,
    readonly prefix: string,
    readonly holder: SeatHolder,
  ) {}

  get joined(): boolean {
    return this.topic !== null;
  }

  join(key: string, rider: LiveRider): boolean {
    return this.channel.join(this, key, rider);
  }

  leave(): void {
    this.channel.leave(this);
  }

  resume(stream: AsyncIterator<unknown>): void {
    this.holder.resume(stream);
  }
}

class TopicChannelImpl implements TopicChannel {
  private server: TopicServer | null = null;
  /** key → prefix → the seats in that topic. */
  private readonly keys = new Map<string, Map<string, TopicSeats>>();
  /** Bytes published to any one member at most since the last check. */
  private unchecked = 0;
  private readonly checkEvery: number;

  constructor(private readonly opts: TopicChannelOptions) {
    this.checkEvery = Math.max(1, opts.highWaterBytes >> 2);
  }

  attach(server: TopicServer): void {
    this.server = server;
  }

  seat(member: TopicMember, prefix: string, subscription: SeatHolder): TopicSeat {
    return new Seat(this, member, prefix, subscription);
  }

  members(key: string): number {
    let n = 0;
    for (const seats of this.keys.get(key)?.values() ?? []) n += seats.size;
    return n;
  }

  publish(key: string, value: unknown): void {
    const prefixes = this.keys.get(key);
    if (!prefixes || !this.server) return;
    let most = 0;
    for (const [prefix, seats] of prefixes) {
      const frame = this.opts.frames.event(prefix, value);
      this.server.publish(topicOf(key, prefix), frame);
      this.opts.stats.deliveries += seats.size;
      if (frame.length > most) most = frame.length;
    }
    this.unchecked += most;
    if (this.unchecked >= this.checkEvery) this.check();
  }

  join(seat: Seat, key: string, rider: LiveRider): boolean {
    const { member } = seat;
    if (seat.topic !== null || !this.server || !member.isOpen || member.queuedBytes() >= this.opts.highWaterBytes)
      return false;
    // What this subscription was sent goes to Bun first; every publish after this lands behind it.
    member.flush();
    if (!member.isOpen) return false;
    let prefixes = this.keys.get(key);
    if (!prefixes) this.keys.set(key, (prefixes = new Map()));
    let seats = prefixes.get(seat.prefix);
    if (!seats) prefixes.set(seat.prefix, (seats = new TopicSeats(topicOf(key, seat.prefix))));
    seats.add(seat);
    seat.key = key;
    // The topic's name, made once per topic: each seat in it holds the same string.
    seat.topic = seats.topic;
    seat.rider = rider;
    member.subscribeTopic(seat.topic);
    return true;
  }

  leave(seat: Seat): void {
    const topic = seat.topic;
    if (topic === null) return;
    seat.topic = null;
    seat.rider = null;
    const prefixes = this.keys.get(seat.key);
    const seats = prefixes?.get(seat.prefix);
    seats?.delete(seat);
    if (prefixes && seats?.size === 0) {
      prefixes.delete(seat.prefix);
      if (prefixes.size === 0) this.keys.delete(seat.key);
    }
    if (seat.member.isOpen) seat.member.unsubscribeTopic(topic);
  }

  /** Every member: behind ones off their topic (back to their own pace), far behind ones cut off (they resume). */
  private check(): void {
    this.unchecked = 0;
    const { highWaterBytes, slowConsumerBytes } = this.opts;
    const behind: [Seat, number][] = [];
    for (const prefixes of this.keys.values()) {
      for (const seats of prefixes.values()) {
        for (const seat of seats) {
          const queued = seat.member.queuedBytes();
          if (queued >= highWaterBytes) behind.push([seat, queued]);
        }
      }
    }
    for (const [seat, queued] of behind) {
      seat.rider?.behind();
      this.leave(seat);
      if (queued > slowConsumerBytes) seat.member.closeTooSlow();
    }
  }
}

const topicOf = (key: string, prefix: string) => `${key}\u0000${prefix}`;

/** The seats in one topic, and its name. */
class TopicSeats extends Set<Seat> {
  constructor(readonly topic: string) {
    super();
  }
}

export function createTopicChannel(opts: TopicChannelOptions): TopicChannel {
  return new TopicChannelImpl(opts);
}
