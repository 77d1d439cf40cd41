/**
 * The in-process group layer: per group, the set of its subscribers, each
 * reading through its own bounded queue. The default when REDIS_URL is unset,
 * and the local fan-out under the Redis layer. A subscriber is one object (its
 * queue, which also hears its signal's abort): an idle subscription holds no closures.
 */
import type { RoomEvent } from "../../shared/schemas.ts";
import { DEFAULT_SUBSCRIBER_CAPACITY, type Delivery, type GroupLayer, type SubscribeOptions } from "./group-layer.ts";
import { SubscriberQueue } from "./subscriber-queue.ts";

export interface MemoryGroupLayerOptions {
  /** Default queue capacity per subscriber. */
  capacity?: number;
  /** Called when a group's last subscriber leaves (the Redis layer unsubscribes then). */
  onGroupEmpty?: (group: string) => void;
}

export interface MemoryGroupLayer extends GroupLayer {
  /** Gives every live subscriber a `Lagged` marker: events may have been lost upstream. */
  lagAll(): void;
}

/** A subscriber of one group: its queue, ended by its signal (`handleEvent` is the abort listener). */
class Subscriber extends SubscriberQueue {
  constructor(
    capacity: number,
    onEnd: (subscriber: Subscriber) => void,
    readonly group: string,
    readonly signal: AbortSignal,
  ) {
    super(capacity, onEnd as (queue: SubscriberQueue) => void);
  }

  handleEvent(): void {
    this.end();
  }
}

export function createMemoryGroupLayer(options: MemoryGroupLayerOptions = {}): MemoryGroupLayer {
  const defaultCapacity = options.capacity ?? DEFAULT_SUBSCRIBER_CAPACITY;
  // A busy room has thousands of subscribers; that is the design.
  const groups = new Map<string, Set<Subscriber>>();

  function release(subscriber: Subscriber) {
    subscriber.signal.removeEventListener("abort", subscriber);
    const set = groups.get(subscriber.group);
    if (!set?.delete(subscriber) || set.size > 0) return;
    groups.delete(subscriber.group);
    options.onGroupEmpty?.(subscriber.group);
  }

  return {
    local: true,

    async publish(group: string, event: RoomEvent) {
      // push() only queues or resolves a waiter (its reader runs later): nobody joins or leaves during the loop.
      const set = groups.get(group);
      if (set) for (const subscriber of set) subscriber.push(event);
    },

    async subscribe(group: string, { signal, capacity }: SubscribeOptions): Promise<AsyncIterable<Delivery>> {
      const subscriber = new Subscriber(capacity ?? defaultCapacity, release, group, signal);
      if (signal.aborted) {
        subscriber.end();
        return subscriber;
      }
      let set = groups.get(group);
      if (!set) groups.set(group, (set = new Set()));
      set.add(subscriber);
      signal.addEventListener("abort", subscriber, { once: true });
      return subscriber;
    },

    subscriberCount: (group: string) => groups.get(group)?.size ?? 0,

    lagAll() {
      for (const set of groups.values()) for (const subscriber of set) subscriber.lag();
    },

    async close() {
      for (const set of [...groups.values()]) for (const subscriber of [...set]) subscriber.end();
      groups.clear();
    },
  };
}
