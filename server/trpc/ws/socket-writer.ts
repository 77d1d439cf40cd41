/**
 * The writing side of one WebSocket connection: its outbox, written once per
 * event-loop turn (corked); what it has queued (our outbox plus Bun's buffer),
 * which `drain()` waits on and the slow-reader rule cuts at; and its life
 * (open, closing, closed). What it is asked to write comes from the calls and
 * subscriptions of the connection built on it (connection.ts).
 *
 * Per delivery the cost is one push to the outbox and one addition to its byte
 * count; a turn that queues more than the high-water mark for one socket writes
 * it out at once, so the slow-reader rule sees those bytes while they are
 * produced, and a socket with `slowConsumerBytes` queued in Bun is closed as too
 * slow (SECURITY.md, "What one connection can hold").
 */
import type { TopicMember } from "./topics.ts";

/** The part of Bun's ServerWebSocket a connection uses. */
export interface WsSocket<TData> {
  data: TData;
  send(data: string): number;
  cork(callback: () => void): unknown;
  close(code?: number, reason?: string): void;
  getBufferedAmount(): number;
  /** Bun's topics, for the live channel (topics.ts); a socket without them has every event written one by one. */
  subscribe?(topic: string): void;
  unsubscribe?(topic: string): void;
}

/** Close code for a client that reads too slowly: it reconnects and resumes from the database. */
export const CLOSE_TOO_SLOW = 4003;

/** What the writers of one server share. */
export interface SocketWriterHost<TData> {
  /** Bytes queued for this client past which it is closed as too slow. */
  slowConsumerBytes: number;
  /** Bytes queued for this client at or above which no call starts and `drain()` waits. Below `slowConsumerBytes`. */
  highWaterBytes: number;
  /** Asks for `flush()` at the end of this event-loop turn. */
  scheduleFlush(writer: SocketWriter<TData>): void;
}

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** What `drain()` returns when nothing needs waiting for: shared, so the common case allocates nothing. */
const DRAINED = Promise.resolve();

/** How a wait for `drain()` ends when the socket closes first: an abort, which stream loops treat as a normal stop. */
export const closedWhileWaiting = () =>
  new DOMException("The connection closed while waiting for it to drain.", "AbortError");

export class SocketWriter<TData> implements TopicMember {
  private state = OPEN;
  /** The code this side closed with, if it did. */
  closeCode: number | undefined;
  /** Results queued since the last flush. */
  private outbox: string[] | null = null;
  /** Length of what `outbox` holds (UTF-16 code units: counted, not encoded, so per delivery it is one addition). */
  private outboxBytes = 0;
  /** Callers of `drain()` waiting for the socket to fall under the high-water mark; one promise for all. */
  private drained: PromiseWithResolvers<void> | null = null;
  private closeListeners: (() => void)[] | null = null;

  constructor(
    readonly ws: WsSocket<TData>,
    private readonly limits: SocketWriterHost<TData>,
  ) {}

  get isOpen(): boolean {
    return this.state === OPEN;
  }

  /** For the context's session registry and connection counts: runs once the connection has closed (at once if it has). */
  once(_event: "close", listener: () => void): void {
    // A socket can close while its context is still being made: what that context holds must still be released.
    if (this.state === CLOSED) {
      listener();
      return;
    }
    (this.closeListeners ??= []).push(listener);
  }

  /**
   * Results wait for the turn's flush, so a publish to many subscribers costs one
   * corked write per socket. A turn that produces more than the high-water mark
   * for one socket writes it out at once instead, so the slow-reader rule sees
   * those bytes while they are being produced, not after the turn.
   */
  queue(frame: string): void {
    if (!this.isOpen) return;
    this.outboxBytes += frame.length;
    if (this.outbox) this.outbox.push(frame);
    else {
      this.outbox = [frame];
      this.limits.scheduleFlush(this);
    }
    if (this.outboxBytes >= this.limits.highWaterBytes) this.flush();
  }

  /**
   * Resolves once less than the high-water mark is queued for this socket (our
   * outbox plus Bun's buffer): at once if that is so now, else on the Bun `drain`
   * event that brings it under. Rejects with an AbortError if the socket closes
   * first. Replays await it between batches; each call awaits it before it starts.
   */
  drain(): Promise<void> {
    if (!this.isOpen) return Promise.reject(closedWhileWaiting());
    const highWater = this.limits.highWaterBytes;
    if (this.outboxBytes + this.ws.getBufferedAmount() < highWater) return DRAINED;
    // Hand the outbox to Bun, whose drain event then accounts for every byte.
    this.flush();
    if (!this.isOpen) return Promise.reject(closedWhileWaiting());
    if (this.ws.getBufferedAmount() < highWater) return DRAINED;
    return (this.drained ??= Promise.withResolvers<void>()).promise;
  }

  /** Bun wrote some of what it held for this socket: wake the waiters if it is now under the mark. */
  onDrain(): void {
    const waiting = this.drained;
    if (!waiting || !this.isOpen || this.queuedBytes() >= this.limits.highWaterBytes) return;
    this.drained = null;
    waiting.resolve();
  }

  /** Errors, `started`/`stopped` and notices go out at once, after what is queued. */
  sendNow(frame: string): void {
    if (!this.isOpen) return;
    this.flush();
    this.ws.send(frame);
    this.checkBackpressure();
  }

  /** Writes what `queue` collected this turn: one corked write. */
  flush(): void {
    const frames = this.outbox;
    this.outbox = null;
    this.outboxBytes = 0;
    if (!frames || !this.isOpen) return;
    if (frames.length === 1) this.ws.send(frames[0]!);
    else
      this.ws.cork(() => {
        for (const frame of frames) this.ws.send(frame);
      });
    this.checkBackpressure();
    // Written without backpressure, Bun fires no drain event: waiters may be free already.
    if (this.drained) this.onDrain();
  }

  private checkBackpressure(): void {
    // A reader that has fallen this far behind is cut off with a reason, before Bun's
    // own hard limit (which drops the connection without one). It resumes on reconnect.
    if (this.ws.getBufferedAmount() > this.limits.slowConsumerBytes) this.closeTooSlow();
  }

  // As a member of Bun topics (topics.ts): methods, not closures, so an idle connection holds nothing more.
  queuedBytes(): number {
    return this.outboxBytes + this.ws.getBufferedAmount();
  }

  subscribeTopic(topic: string): void {
    this.ws.subscribe?.(topic);
  }

  unsubscribeTopic(topic: string): void {
    this.ws.unsubscribe?.(topic);
  }

  closeTooSlow(): void {
    this.close(CLOSE_TOO_SLOW, "Reading too slowly");
  }

  close(code?: number, reason?: string): void {
    if (this.state !== OPEN) return;
    // What was sent before closing goes out first (an error, the reconnect notice).
    this.flush();
    this.state = CLOSING;
    this.closeCode = code;
    // Nothing more will be sent: streams stop producing now, not when Bun reports the close.
    this.stopAll();
    this.ws.close(code, reason);
  }

  /** The socket has closed: stops everything and tells the close listeners. */
  closed(): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.stopAll();
    const listeners = this.closeListeners;
    this.closeListeners = null;
    if (listeners) for (const listener of listeners) listener();
  }

  /** Aborts every wait for `drain()` and drops what was not written; the connection stops its streams too. */
  protected stopAll(): void {
    this.outbox = null;
    this.outboxBytes = 0;
    const waiting = this.drained;
    this.drained = null;
    waiting?.reject(closedWhileWaiting());
  }
}
