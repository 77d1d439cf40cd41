/**
 * The in-process group layer: per group, the set of its subscribers, each
 * reading through its own bounded queue. The default when REDIS_URL is unset,
 * and the local fan-out under the Redis layer. A subscriber is one object (its
 * queue, which also hears its signal's abort): an idle subscription holds no closures.
 */
import type { RoomEvent } from "../../shared/schemas.ts";
import { SUBSCRIBER_QUEUE_EVENTS } from "../limits/defaults.ts";
import type { Delivery, GroupLayer, SubscribeOptions } from "./group-layer.ts";
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
  listen(group: string, listener: (event: RoomEvent) => void, onLagged?: () => void): () => void;
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
  const defaultCapacity = options.capacity ?? SUBSCRIBER_QUEUE_EVENTS;
  // A busy room has thousands of subscribers; that is the design.
  const groups = new Map<string, Set<Subscriber>>();
  const count = (group: string) => (groups.get(group)?.size ?? 0) + listeners.size(group);
  const left = (group: string) => {
    if (count(group) === 0) options.onGroupEmpty?.(group);
  };
  /** Callbacks of `listen` (the live relays), each with its lag callback. */
  const listeners = createListeners(left);

  function release(subscriber: Subscriber) {
    subscriber.signal.removeEventListener("abort", subscriber);
    const set = groups.get(subscriber.group);
    if (!set?.delete(subscriber) || set.size > 0) return;
    groups.delete(subscriber.group);
    left(subscriber.group);
  }

  return {
    local: true,

    async publish(group: string, event: RoomEvent) {
      // push() only queues or resolves a waiter (its reader runs later): nobody joins or leaves during the loop.
      const set = groups.get(group);
      if (set) for (const subscriber of set) subscriber.push(event);
      listeners.tell(group, event);
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

    listen: listeners.add,

    subscriberCount: count,

    lagAll() {
      for (const set of groups.values()) for (const subscriber of set) subscriber.lag();
      listeners.lagAll();
    },

    async close() {
      for (const set of [...groups.values()]) for (const subscriber of [...set]) subscriber.end();
      groups.clear();
      listeners.clear();
    },
  };
}

interface Listener {
  listener: (event: RoomEvent) => void;
  onLagged: (() => void) | undefined;
}

/** The synchronous listeners of each group; `left(group)` after one stops listening. */
function createListeners(left: (group: string) => void) {
  const byGroup = new Map<string, Set<Listener>>();
  return {
    size: (group: string) => byGroup.get(group)?.size ?? 0,

    tell(group: string, event: RoomEvent) {
      // A listener may stop listening while it is told: told from a copy, as an EventEmitter would.
      const heard = byGroup.get(group);
      if (heard) for (const l of [...heard]) l.listener(event);
    },

    add(group: string, listener: (event: RoomEvent) => void, onLagged?: () => void): () => void {
      // An entry of its own per listen, so the same function listening twice is removed once per unlisten.
      const entry = { listener, onLagged };
      let set = byGroup.get(group);
      if (!set) byGroup.set(group, (set = new Set()));
      set.add(entry);
      let listening = true;
      return () => {
        if (!listening) return;
        listening = false;
        const current = byGroup.get(group);
        if (!current?.delete(entry)) return;
        if (current.size === 0) byGroup.delete(group);
        left(group);
      };
    },

    lagAll() {
      for (const set of [...byGroup.values()]) for (const l of [...set]) l.onLagged?.();
    },

    clear: () => byGroup.clear(),
  };
}
