/**
 * One WebSocket connection speaking tRPC's protocol (see protocol.ts): its
 * context, created once; its subscriptions, each one plain loop over the
 * procedure's async iterable; and its outbox, written once per event-loop turn.
 *
 * Per subscriber and per event the work is: one `next()` of the stream, one
 * string concatenation (the payload's JSON is shared, see createFrameEncoder),
 * one push to the outbox and one addition to its byte count. A stopped
 * subscription ends through the AbortSignal its procedure got (our streams end
 * when it aborts), not by racing each `next()`.
 *
 * What one connection can make the server hold is bounded whatever it sends
 * (SECURITY.md, "What one connection can hold"): at most `maxBatchSize` calls per
 * frame (more: every call in it is refused), at most `maxCallsInFlight` queries and
 * mutations running (more: refused at once, not queued), no call started while
 * `highWaterBytes` or more are queued for the socket (it waits for `drain()`), an
 * outbox written out as soon as it passes the high-water mark, and a socket with
 * `slowConsumerBytes` queued in Bun closed as too slow.
 */
import { type AnyRouter, callTRPCProcedure, getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import type { LiveSeat } from "../../groups/live-channel.ts";
import type { TopicChannel, TopicMember } from "./topics.ts";
import {
  type CallType,
  type ConnectionParams,
  decodeConnectionParams,
  decodeMessages,
  type FrameEncoder,
  framePrefix,
  isAbortError,
  isAsyncIterable,
  type ProcedureCall,
  type RequestId,
  withLastEventId,
} from "./protocol.ts";

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

/** What every connection of one server shares. */
export interface ConnectionHost<TData> {
  router: AnyRouter;
  frames: FrameEncoder;
  createContext(connection: Connection<TData>, connectionParams: ConnectionParams): Promise<unknown>;
  onError(error: TRPCError, path: string | undefined, connection: Connection<TData>): void;
  /** Counts events written to subscribers (metrics): a `++` per delivery. */
  stats?: { deliveries: number };
  /** Bytes queued for this client past which it is closed as too slow. */
  slowConsumerBytes: number;
  /** Bytes queued for this client at or above which no call starts and `drain()` waits. Below `slowConsumerBytes`. */
  highWaterBytes: number;
  /** Calls one frame may carry; a longer batch is refused whole, one error per call. */
  maxBatchSize: number;
  /** Queries and mutations running at once on one connection; more are refused with TOO_MANY_REQUESTS. */
  maxCallsInFlight: number;
  /** Asks for `flush()` at the end of this event-loop turn. */
  scheduleFlush(connection: Connection<TData>): void;
  /** Bun's topic publish for caught-up subscribers, when the server offers it. */
  topics?: TopicChannel;
}

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** What `drain()` returns when nothing needs waiting for: shared, so the common case allocates nothing. */
const DRAINED = Promise.resolve();

/** How a wait for `drain()` ends when the socket closes first: an abort, which stream loops treat as a normal stop. */
const closedWhileWaiting = () => new DOMException("The connection closed while waiting for it to drain.", "AbortError");

/** What a subscription was asked with: what its answers and errors carry. */
interface SubscriptionCall {
  id: RequestId;
  jsonrpc: "2.0" | undefined;
  path: string;
  input: unknown;
}

/** A live subscription: its stop switch, and the start of each of its frames. */
class Subscription extends AbortController {
  constructor(readonly prefix: string) {
    super();
  }
}

export class Connection<TData> implements TopicMember {
  private state = OPEN;
  /** The code this side closed with, if it did. */
  closeCode: number | undefined;
  /** The procedures' context once created (undefined before, or if creating it failed). */
  private ctx: unknown;
  /** Resolves with the error that creating the context failed with, or null. Null until connectionParams arrive. */
  private ctxReady: Promise<TRPCError | null> | null = null;
  /** Live subscriptions by request id; allocated with the first. */
  private subscriptions: Map<RequestId, Subscription> | null = null;
  /** Results sent since the last flush. */
  private outbox: string[] | null = null;
  /** Length of what `outbox` holds (UTF-16 code units: counted, not encoded, so per delivery it is one addition). */
  private outboxBytes = 0;
  /** Queries and mutations started and not yet answered (including those waiting for the socket to drain). */
  private callsInFlight = 0;
  /** Callers of `drain()` waiting for the socket to fall under the high-water mark; one promise for all. */
  private drained: PromiseWithResolvers<void> | null = null;
  private closeListeners: (() => void)[] | null = null;
  /** Set by `closeWhenAnswered`: new queries and mutations are refused, and the socket closes with this once none is in flight. */
  private retiring: { code: number; reason: string } | null = null;

  constructor(
    readonly ws: WsSocket<TData>,
    private readonly host: ConnectionHost<TData>,
    /** The client said (`?connectionParams=1`) that its first frame carries connectionParams. */
    expectsConnectionParams: boolean,
  ) {
    if (!expectsConnectionParams) this.ctxReady = this.createContext(() => null);
  }

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

  onMessage(frame: string | Uint8Array): void {
    if (frame === "PONG") return;
    if (frame === "PING") {
      this.sendNow("PONG");
      return;
    }
    if (this.ctxReady === null) {
      this.ctxReady = this.createContext(() => decodeConnectionParams(frame));
      return;
    }
    let messages;
    try {
      messages = decodeMessages(frame, this.host.router);
    } catch (cause) {
      this.sendError(null, undefined, { error: new TRPCError({ code: "PARSE_ERROR", cause }), type: "unknown", path: undefined, input: undefined });
      return;
    }
    if (messages.length > this.host.maxBatchSize) {
      this.refuseBatch(messages);
      return;
    }
    for (let i = 0; i < messages.length; i++) this.handle(messages[i]!, i);
  }

  /** A frame with too many calls: none of them runs, each gets the same clear error (the stock client waits for one per id). */
  private refuseBatch(messages: ReturnType<typeof decodeMessages>): void {
    const max = this.host.maxBatchSize;
    const error = new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `At most ${max} calls in one frame (this one had ${messages.length}); nothing in it was run.` });
    this.host.onError(error, undefined, this);
    for (const message of messages) {
      if (message.id === null || message.method === "subscription.stop") continue;
      const path = "params" in message ? message.params.path : undefined;
      this.sendError(message.id, message.jsonrpc, { error, type: message.method, path, input: undefined });
    }
  }

  private async createContext(connectionParams: () => ConnectionParams): Promise<TRPCError | null> {
    try {
      this.ctx = await this.host.createContext(this, connectionParams());
      return null;
    } catch (cause) {
      // Refused (bad connectionParams, per-user cap): say why, then close.
      const error = getTRPCErrorFromUnknown(cause);
      this.host.onError(error, undefined, this);
      this.sendError(null, undefined, { error, type: "unknown", path: undefined, input: undefined });
      setImmediate(() => this.close());
      return error;
    }
  }

  private handle(message: ReturnType<typeof decodeMessages>[number], batchIndex: number): void {
    const { id, jsonrpc } = message;
    if (id === null) {
      const error = new TRPCError({ code: "PARSE_ERROR", message: "`id` is required" });
      this.host.onError(error, undefined, this);
      this.sendError(id, jsonrpc, { error, type: "unknown", path: undefined, input: undefined });
      return;
    }
    if (message.method === "subscription.stop") {
      this.subscriptions?.get(id)?.abort();
      return;
    }
    // Not awaited: each request of a batch runs on its own, as in tRPC.
    const running =
      message.method === "subscription"
        ? // What the stream needs, not the frame's message: the subscription's frame holds these for its whole life.
          this.subscribe(id, jsonrpc, message.params.path, withLastEventId(message.params.input, message.params.lastEventId), batchIndex)
        : this.call(id, message, batchIndex);
    running.catch((cause) => this.host.onError(getTRPCErrorFromUnknown(cause), undefined, this));
  }

  /** A query or mutation: one answer. */
  private async call(id: RequestId, message: ProcedureCall, batchIndex: number): Promise<void> {
    const { jsonrpc, method: type } = message;
    const { path } = message.params;
    const input = withLastEventId(message.params.input, message.params.lastEventId);
    if (this.retiring) {
      // Nothing ran, so sending it again (on the client's new socket) is safe.
      const error = new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The server is restarting: nothing was run. Send it again on a new connection." });
      this.failed(id, jsonrpc, error, type, path, input);
      return;
    }
    const max = this.host.maxCallsInFlight;
    if (this.callsInFlight >= max) {
      const error = new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${max} calls at once per connection: wait for their answers before sending more.` });
      this.failed(id, jsonrpc, error, type, path, input);
      return;
    }
    this.callsInFlight++;
    try {
      const ctxError = await this.ctxReady;
      if (ctxError) throw ctxError;
      // Counted before it is produced: no answer is built while the socket already holds its share.
      await this.drain();
      const result = await callTRPCProcedure({
        router: this.host.router,
        path,
        getRawInput: async () => input,
        ctx: this.ctx,
        type,
        signal: new AbortController().signal,
        batchIndex,
      });
      if (isAsyncIterable(result)) {
        throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: `Cannot return an async iterable or observable from a ${type} procedure with WebSockets` });
      }
      this.queue(this.host.frames.data(framePrefix(id, jsonrpc), result));
    } catch (cause) {
      // Closed while it waited or ran: there is nobody left to answer.
      if (!this.isOpen) return;
      this.failed(id, jsonrpc, cause, type, path, input);
    } finally {
      this.callsInFlight--;
      this.closeIfRetiredAndAnswered();
    }
  }

  /** A subscription: `started`, its events, then `stopped` (or an error). */
  private async subscribe(id: RequestId, jsonrpc: "2.0" | undefined, path: string, input: unknown, batchIndex: number): Promise<void> {
    if (this.subscriptions?.has(id)) {
      this.failed(id, jsonrpc, new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` }), "subscription", path, input);
      return;
    }
    const controller = new Subscription(framePrefix(id, jsonrpc));
    (this.subscriptions ??= new Map()).set(id, controller);
    const call: SubscriptionCall = { id, jsonrpc, path, input };
    try {
      const iterator = await this.openStream(call, controller, batchIndex);
      if (iterator) await this.stream(call, controller, iterator);
    } catch (cause) {
      this.failed(id, jsonrpc, cause, "subscription", path, input);
    } finally {
      if (this.subscriptions?.get(id) === controller) this.subscriptions.delete(id);
    }
  }

  /**
   * Runs the subscription's procedure once the context is made: its stream, or
   * null when the subscription has been answered already (stopped before or while
   * it was set up, or refused by the procedure).
   */
  private async openStream(call: SubscriptionCall, controller: Subscription, batchIndex: number): Promise<AsyncIterator<unknown> | null> {
    const { signal, prefix } = controller;
    const ctxError = await this.ctxReady;
    if (ctxError) throw ctxError;
    if (signal.aborted || !this.isOpen) {
      this.sendNow(this.host.frames.stopped(prefix));
      return null;
    }
    let iterator: AsyncIterator<unknown>;
    try {
      const result: unknown = await callTRPCProcedure({ router: this.host.router, path: call.path, getRawInput: async () => call.input, ctx: this.ctx, type: "subscription", signal, batchIndex });
      if (!isAsyncIterable(result)) {
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `Subscription ${call.path} did not return an async iterable` });
      }
      iterator = result[Symbol.asyncIterator]();
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      // Stopped while setting up: the procedure gave up because it was told to.
      if (signal.aborted && error.code === "INTERNAL_SERVER_ERROR" && isAbortError(error.cause)) this.sendNow(this.host.frames.stopped(prefix));
      else this.failed(call.id, call.jsonrpc, error, "subscription", call.path, call.input);
      return null;
    }
    if (signal.aborted || !this.isOpen) {
      controller.abort();
      await this.end(iterator, call.path);
      this.sendNow(this.host.frames.stopped(prefix));
      return null;
    }
    return iterator;
  }

  /**
   * `started`, the stream's events, then `stopped`. A stream that fails answers its
   * error, then `stopped` too (as tRPC's handler does); one that fails because it
   * was stopped is only logged, and only when the failure is not the stop itself.
   */
  private async stream(call: SubscriptionCall, controller: Subscription, iterator: AsyncIterator<unknown>): Promise<void> {
    const { signal, prefix } = controller;
    // Sent once the procedure has returned: its stream is subscribed, nothing after this is missed.
    this.sendNow(this.host.frames.started(prefix));
    let completed = false;
    try {
      completed = await this.pump(iterator, signal, prefix);
    } catch (cause) {
      if (!signal.aborted) {
        controller.abort();
        await this.end(iterator, call.path);
        this.failed(call.id, call.jsonrpc, cause, "subscription", call.path, call.input);
        this.sendNow(this.host.frames.stopped(prefix));
        return;
      }
      const error = getTRPCErrorFromUnknown(cause);
      if (!isAbortError(error.cause)) this.host.onError(error, call.path, this);
    }
    if (!completed) await this.end(iterator, call.path);
    this.sendNow(this.host.frames.stopped(prefix));
  }

  /** Queues each event of the stream until it completes (true) or is stopped (false: subscription.stop, or the socket closed). */
  private async pump(iterator: AsyncIterator<unknown>, signal: AbortSignal, prefix: string): Promise<boolean> {
    const frames = this.host.frames;
    for (;;) {
      const next = await iterator.next();
      // Stopped meanwhile: nothing more is sent.
      if (signal.aborted) return false;
      if (next.done) return true;
      this.queue(frames.event(prefix, next.value));
      if (this.host.stats) this.host.stats.deliveries++;
    }
  }

  /**
   * The seat on the server's live channel of the subscription whose procedure got
   * `signal`: its stream may then have its live events written by one topic
   * publish shared with every caught-up subscriber (topics.ts). Undefined when
   * the server or the socket offers no topics.
   */
  liveSeat(signal: AbortSignal | undefined): LiveSeat | undefined {
    const topics = this.host.topics;
    if (!topics || !signal || !this.ws.subscribe || !this.ws.unsubscribe || !this.subscriptions) return undefined;
    for (const subscription of this.subscriptions.values()) {
      if (subscription.signal === signal) return topics.seat(this, subscription.prefix);
    }
    return undefined;
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

  /** Lets a stream that did not finish by itself clean up (its `finally` blocks). */
  private async end(iterator: AsyncIterator<unknown>, path: string): Promise<void> {
    try {
      await iterator.return?.();
    } catch (cause) {
      this.host.onError(getTRPCErrorFromUnknown(cause), path, this);
    }
  }

  private failed(id: RequestId, jsonrpc: "2.0" | undefined, cause: unknown, type: CallType, path: string, input: unknown): void {
    const error = getTRPCErrorFromUnknown(cause);
    this.host.onError(error, path, this);
    this.sendError(id, jsonrpc, { error, type, path, input });
  }

  private sendError(id: RequestId | null, jsonrpc: "2.0" | undefined, call: Omit<Parameters<FrameEncoder["error"]>[2], "ctx">): void {
    if (!this.isOpen) return;
    this.sendNow(this.host.frames.error(id, jsonrpc, { ...call, ctx: this.ctx }, (error) => this.host.onError(error, call.path, this)));
  }

  /**
   * Results wait for the turn's flush, so a publish to many subscribers costs one
   * corked write per socket. A turn that produces more than the high-water mark
   * for one socket writes it out at once instead, so the slow-reader rule sees
   * those bytes while they are being produced, not after the turn.
   */
  private queue(frame: string): void {
    if (!this.isOpen) return;
    this.outboxBytes += frame.length;
    if (this.outbox) this.outbox.push(frame);
    else {
      this.outbox = [frame];
      this.host.scheduleFlush(this);
    }
    if (this.outboxBytes >= this.host.highWaterBytes) this.flush();
  }

  /**
   * Resolves once less than the high-water mark is queued for this socket (our
   * outbox plus Bun's buffer): at once if that is so now, else on the Bun `drain`
   * event that brings it under. Rejects with an AbortError if the socket closes
   * first. Replays await it between batches; each call awaits it before it starts.
   */
  drain(): Promise<void> {
    if (!this.isOpen) return Promise.reject(closedWhileWaiting());
    const highWater = this.host.highWaterBytes;
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
    if (!waiting || !this.isOpen || this.outboxBytes + this.ws.getBufferedAmount() >= this.host.highWaterBytes) return;
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
    if (this.ws.getBufferedAmount() > this.host.slowConsumerBytes) this.close(CLOSE_TOO_SLOW, "Reading too slowly");
  }

  /**
   * The last step of a graceful shutdown, once the reconnect notice has had its
   * time (see the adapter's `drainAll`): no new query or mutation runs (each is
   * answered SERVICE_UNAVAILABLE: nothing ran, send it again), every one in
   * flight is answered, then the socket closes with `code`. Subscriptions go on
   * until then; the client resubscribes from its last event on its new socket.
   */
  closeWhenAnswered(code: number, reason: string): void {
    if (this.state !== OPEN || this.retiring) return;
    this.retiring = { code, reason };
    this.closeIfRetiredAndAnswered();
  }

  private closeIfRetiredAndAnswered(): void {
    if (this.retiring && this.callsInFlight === 0) this.close(this.retiring.code, this.retiring.reason);
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

  /** The socket has closed: stops every subscription and tells the close listeners. */
  closed(): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.stopAll();
    const listeners = this.closeListeners;
    this.closeListeners = null;
    if (listeners) for (const listener of listeners) listener();
  }

  /** Aborts every subscription and every wait for `drain()`; drops what was not written. */
  private stopAll(): void {
    this.outbox = null;
    this.outboxBytes = 0;
    const subscriptions = this.subscriptions;
    this.subscriptions = null;
    if (subscriptions) for (const controller of subscriptions.values()) controller.abort();
    const waiting = this.drained;
    this.drained = null;
    waiting?.reject(closedWhileWaiting());
  }
}
