/**
 * The in-process group layer: one EventEmitter, one listener per subscriber,
 * each reading through its own bounded queue. The default when REDIS_URL is unset,
 * and the local fan-out under the Redis layer.
 */
import { EventEmitter } from "node:events";
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
  listen(group: string, listener: (event: RoomEvent) => void, onLagged?: () => void): () => void;
}

export function createMemoryGroupLayer(options: MemoryGroupLayerOptions = {}): MemoryGroupLayer {
  const defaultCapacity = options.capacity ?? DEFAULT_SUBSCRIBER_CAPACITY;
  const emitter = new EventEmitter();
  // A busy room has thousands of listeners; that is the design, not a leak.
  emitter.setMaxListeners(0);
  const live = new Set<SubscriberQueue>();
  /** Listeners' lag callbacks (see `listen`). */
  const lagListeners = new Set<() => void>();

  return {
    local: true,

    async publish(group: string, event: RoomEvent) {
      emitter.emit(group, event);
    },

    async subscribe(group: string, { signal, capacity }: SubscribeOptions): Promise<AsyncIterable<Delivery>> {
      const listener = (event: RoomEvent) => queue.push(event);
      const queue = new SubscriberQueue(capacity ?? defaultCapacity, () => {
        emitter.off(group, listener);
        signal.removeEventListener("abort", onAbort);
        live.delete(queue);
        if (emitter.listenerCount(group) === 0) options.onGroupEmpty?.(group);
      });
      const onAbort = () => queue.end();
      if (signal.aborted) {
        queue.end();
        return queue;
      }
      emitter.on(group, listener);
      signal.addEventListener("abort", onAbort, { once: true });
      live.add(queue);
      return queue;
    },

    listen(group: string, listener: (event: RoomEvent) => void, onLagged?: () => void) {
      emitter.on(group, listener);
      // A callback of its own per listen, so the same function listening twice is removed once per unlisten.
      const lagged = onLagged ? () => onLagged() : undefined;
      if (lagged) lagListeners.add(lagged);
      let listening = true;
      return () => {
        if (!listening) return;
        listening = false;
        if (lagged) lagListeners.delete(lagged);
        emitter.off(group, listener);
        if (emitter.listenerCount(group) === 0) options.onGroupEmpty?.(group);
      };
    },

    subscriberCount: (group: string) => emitter.listenerCount(group),

    lagAll() {
      for (const queue of live) queue.lag();
      for (const lagged of [...lagListeners]) lagged();
    },

    async close() {
      for (const queue of [...live]) queue.end();
      emitter.removeAllListeners();
    },
  };
}
