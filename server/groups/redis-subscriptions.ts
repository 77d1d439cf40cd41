/**
 * Which channels the subscribing connection must be SUBSCRIBEd to, and keeping
 * it so. A group is SUBSCRIBEd when its first local subscriber arrives and
 * UNSUBSCRIBEd when the last one leaves; commands on one connection run in
 * order, so a quick leave-and-rejoin ends subscribed.
 *
 * Redis pub/sub keeps nothing: whatever was published while the connection was
 * down is gone. So after every (re)connection every wanted group is subscribed
 * again, and only then `onResubscribed` runs (the layer lags every local
 * subscriber: each room stream catches up from the database, the log).
 */
import type Redis from "ioredis";
import type { ConnectionHealth, RedisLog } from "./redis-connection.ts";

export interface ChannelSubscriptions {
  /** A local subscriber of `group` arrived: settles once its channel is live (or the connection dropped: the next one subscribes it). */
  want(group: string): Promise<void>;
  /** The last local subscriber of `group` left. */
  release(group: string): void;
}

export interface ChannelSubscriptionsOptions {
  /** The subscribing connection, opened without ioredis's own resubscribe: ours is followed by `onResubscribed`. */
  sub: Redis;
  prefix: string;
  log: RedisLog;
  isClosed: () => boolean;
  /** The outage this connection's return ends. */
  health: ConnectionHealth;
  onResubscribed: () => void;
}

export function createChannelSubscriptions({
  sub,
  prefix,
  log,
  isClosed,
  health,
  onResubscribed,
}: ChannelSubscriptionsOptions): ChannelSubscriptions {
  /** Groups with at least one local subscriber: what the subscribing connection must be subscribed to. */
  const wanted = new Set<string>();
  /** SUBSCRIBEs in flight, so a second subscriber of a group also waits until it is live. */
  const subscribing = new Map<string, Promise<void>>();

  // Every (re)connection: subscribe to every wanted group, then tell every local
  // subscriber that it may have missed something while the connection was down.
  sub.on("ready", async () => {
    const groups = [...wanted];
    if (groups.length > 0) {
      try {
        await sub.subscribe(...groups.map((g) => prefix + g));
      } catch (error) {
        log("resubscribe failed; retrying on the next connection", error);
        return;
      }
      onResubscribed();
    }
    if (health.down)
      log(
        `subscriber reconnected; resubscribed ${groups.length} group(s), their subscribers catch up from the database`,
      );
    health.down = false;
  });

  /** SUBSCRIBE a group's channel; settles once Redis acknowledged it or the connection dropped. */
  function subscribeChannel(group: string): Promise<void> {
    // Not connected: the next "ready" subscribes every wanted group and lags every
    // subscriber, so everything published from now on is delivered or replaced by a marker.
    if (sub.status !== "ready") return Promise.resolve();
    const done = sub
      .subscribe(prefix + group)
      .then(
        () => undefined,
        (error) => log(`subscribe ${group} failed; retrying on the next connection`, error),
      )
      .finally(() => {
        if (subscribing.get(group) === done) subscribing.delete(group);
      });
    subscribing.set(group, done);
    return done;
  }

  return {
    async want(group) {
      if (!wanted.has(group)) {
        wanted.add(group);
        await subscribeChannel(group);
      } else {
        await subscribing.get(group);
      }
    },

    release(group) {
      wanted.delete(group);
      if (isClosed() || sub.status !== "ready") return;
      sub.unsubscribe(prefix + group).catch((error) => log(`unsubscribe ${group} failed`, error));
    },
  };
}
