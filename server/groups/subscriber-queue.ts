/**
 * A bounded async queue for one subscriber. When it is full the backlog is
 * thrown away and replaced by a single `Lagged` marker, so a slow consumer costs
 * at most `capacity` events of memory and learns exactly that it must resync.
 */

import type { RoomEvent } from "../../shared/schemas.ts";
import type { Delivery, Lagged } from "./group-layer.ts";

export class SubscriberQueue implements AsyncIterableIterator<Delivery> {
  private items: RoomEvent[] = [];
  private head = 0;
  private dropped = 0;
  /** Set by `lag()`: the next read is a marker even if nothing overflowed. */
  private lagging = false;
  private waiter: ((r: IteratorResult<Delivery>) => void) | null = null;
  private ended = false;

  constructor(
    private readonly capacity: number,
    private readonly onEnd: (queue: SubscriberQueue) => void,
  ) {}

  push(event: RoomEvent): void {
    if (this.ended) return;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve({ value: event, done: false });
      return;
    }
    if (this.dropped > 0 || this.lagging) {
      this.dropped++;
      return;
    }
    if (this.items.length - this.head >= this.capacity) {
      this.dropped = this.items.length - this.head + 1;
      this.items = [];
      this.head = 0;
      return;
    }
    this.items.push(event);
  }

  next(): Promise<IteratorResult<Delivery>> {
    if (this.dropped > 0 || this.lagging) {
      const lagged: Lagged = { type: "lagged", dropped: this.dropped };
      this.dropped = 0;
      this.lagging = false;
      return Promise.resolve({ value: lagged, done: false });
    }
    if (this.head < this.items.length) {
      const value = this.items[this.head++]!;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /**
   * Events may have been lost upstream (a broker connection dropped): replace the
   * backlog by a marker, so the consumer resyncs from the database.
   */
  lag(): void {
    if (this.ended) return;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve({ value: { type: "lagged", dropped: 0 }, done: false });
      return;
    }
    this.dropped += this.items.length - this.head;
    this.items = [];
    this.head = 0;
    this.lagging = true;
  }

  /** Ends the stream: pending and later `next()` calls resolve done. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.items = [];
    this.head = 0;
    this.dropped = 0;
    this.onEnd(this);
    const resolve = this.waiter;
    this.waiter = null;
    resolve?.({ value: undefined, done: true });
  }

  return(): Promise<IteratorResult<Delivery>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
