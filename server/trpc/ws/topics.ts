/**
 * Live delivery through Bun's native topic publish (the chat's LiveChannel, see
 * server/chat/live-relay.ts): for each key (a room) and each request prefix
 * among its caught-up subscribers (most clients share ids), one Bun topic; one
 * `server.publish` per topic writes the frame to every socket in it from native
 * code, with no per-subscriber JavaScript.
 *
 * What the per-subscriber path checks per write is checked here per bytes
 * published: each time a quarter of the high-water mark has been written to
 * every member of a key since the last check, each member's queued bytes are
 * read; a member at or above the high-water mark is taken off (its stream
 * follows on its own, paced by drain), one past the slow-consumer limit is
 * closed with 4003. A member joins below the mark, so it holds at most
 * 1.25 × the mark before it is checked: under the slow-consumer limit and far
 * under Bun's own backpressure limit (which would drop the socket without a
 * reason). Checking per bytes, not per turn, keeps the check off the per-event cost.
 */
import type { LiveChannel, LiveSeat } from "../../chat/live-relay.ts";
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
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Closes as too slow (4003, the client resumes). */
  closeTooSlow(): void;
}

export interface TopicChannelOptions {
  frames: FrameEncoder;
  highWaterBytes: number;
  slowConsumerBytes: number;
  stats: { deliveries: number };
}

interface Seat {
  member: TopicMember;
  topic: string;
  onBehind: () => void;
}

export interface TopicChannel extends LiveChannel {
  /** The Bun server to publish through (known once it serves); until then no seat can join. */
  attach(server: TopicServer): void;
  /** One subscription's seat, its frames starting with `prefix`. */
  seat(member: TopicMember, prefix: string): LiveSeat;
  /** Members of `key`'s topics (tests, metrics). */
  members(key: string): number;
}

export function createTopicChannel({ frames, highWaterBytes, slowConsumerBytes, stats }: TopicChannelOptions): TopicChannel {
  let server: TopicServer | null = null;
  /** key → prefix → seats in that topic. */
  const keys = new Map<string, Map<string, Set<Seat>>>();
  const sweepBytes = Math.max(1, highWaterBytes >> 2);
  /** Per key: bytes written to any one member at most since the key's last check. */
  const unchecked = new Map<string, number>();

  const topicOf = (key: string, prefix: string) => `${key}\u0000${prefix}`;

  function sweep(key: string): void {
    unchecked.delete(key);
    const prefixes = keys.get(key);
    if (!prefixes) return;
    for (const seats of prefixes.values()) {
      for (const seat of [...seats]) {
        const queued = seat.member.queuedBytes();
        if (queued < highWaterBytes) continue;
        // Behind: off the topic, back to its own pace; too far behind: cut off, it resumes.
        seat.onBehind();
        if (queued > slowConsumerBytes) seat.member.closeTooSlow();
      }
    }
  }

  const channel: TopicChannel = {
    attach(next) {
      server = next;
    },

    publish(key, value) {
      const prefixes = keys.get(key);
      if (!prefixes || !server) return;
      let most = 0;
      for (const [prefix, seats] of prefixes) {
        const frame = frames.event(prefix, value);
        server.publish(topicOf(key, prefix), frame);
        stats.deliveries += seats.size;
        if (frame.length > most) most = frame.length;
      }
      const bytes = (unchecked.get(key) ?? 0) + most;
      if (bytes >= sweepBytes) sweep(key);
      else unchecked.set(key, bytes);
    },

    seat(member, prefix) {
      let held: { key: string; seat: Seat } | null = null;
      return {
        channel,
        join(key, onBehind) {
          if (held || !server || !member.isOpen || member.queuedBytes() >= highWaterBytes) return false;
          // What this subscription was sent goes to Bun first; every publish after this lands behind it.
          member.flush();
          if (!member.isOpen) return false;
          const topic = topicOf(key, prefix);
          const seat: Seat = { member, topic, onBehind };
          let prefixes = keys.get(key);
          if (!prefixes) keys.set(key, (prefixes = new Map()));
          let seats = prefixes.get(prefix);
          if (!seats) prefixes.set(prefix, (seats = new Set()));
          seats.add(seat);
          member.subscribe(topic);
          held = { key, seat };
          return true;
        },
        leave() {
          if (!held) return;
          const { key, seat } = held;
          held = null;
          const prefixes = keys.get(key);
          const seats = prefixes?.get(prefix);
          seats?.delete(seat);
          if (seats && seats.size === 0) {
            prefixes!.delete(prefix);
            if (prefixes!.size === 0) {
              keys.delete(key);
              unchecked.delete(key);
            }
          }
          if (member.isOpen) member.unsubscribe(seat.topic);
        },
      };
    },

    members(key) {
      let n = 0;
      for (const seats of keys.get(key)?.values() ?? []) n += seats.size;
      return n;
    },
  };
  return channel;
}
