/**
 * The subscriptions of one WebSocket connection: each one plain loop over its
 * procedure's async iterable, answered `started`, its events, then `stopped`
 * (or an error). Per subscriber and per event the work is one `next()` of the
 * stream, one string concatenation (the payload's JSON is shared, see
 * createFrameEncoder) and one push to the connection's outbox. A stopped
 * subscription ends through the AbortSignal its procedure got (our streams end
 * when it aborts), not by racing each `next()`.
 *
 * Made with a connection's first subscription, so a connection that never
 * subscribes holds none of this.
 */
import { getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import type { LiveSeat } from "../../groups/live-channel.ts";
import {
  type CallType,
  type FrameEncoder,
  framePrefix,
  isAbortError,
  isAsyncIterable,
  type RequestId,
} from "./protocol.ts";
import { SubscriptionTable } from "./subscription-table.ts";
import type { SeatHolder, TopicChannel, TopicMember, TopicSeat } from "./topics.ts";

/** What a subscription was asked with: what its answers and errors carry. */
export interface SubscriptionCall {
  id: RequestId;
  jsonrpc: "2.0" | undefined;
  path: string;
  input: unknown;
}

/** What the subscriptions need of their connection. */
export interface SubscriptionOwner extends TopicMember {
  readonly isOpen: boolean;
  /** The procedures' context is made: null, or the error making it failed with. */
  contextReady(): Promise<TRPCError | null>;
  /** Runs a procedure of the router with the connection's context. */
  callProcedure(
    path: string,
    input: unknown,
    type: CallType,
    signal: AbortSignal,
    batchIndex: number,
  ): Promise<unknown>;
  queue(frame: string): void;
  sendNow(frame: string): void;
  /** Answers the call with `cause` as its error (and logs it). */
  failed(id: RequestId, jsonrpc: "2.0" | undefined, cause: unknown, type: CallType, path: string, input: unknown): void;
  /** Logs an error nobody is answered with. */
  report(error: TRPCError, path: string): void;
}

export interface SubscriptionsHost {
  frames: FrameEncoder;
  /** Counts events written to subscribers (metrics): a `++` per delivery. */
  stats?: { deliveries: number } | undefined;
  /** Bun's topic publish for caught-up subscribers, when the server offers it. */
  topics?: TopicChannel | undefined;
}

/**
 * A live subscription: its stop switch, the start of each of its frames, the
 * stream it reads (null while it rides the live channel) and its seat there.
 */
class Subscription extends AbortController implements SeatHolder {
  readonly prefix: string;
  stream: AsyncIterator<unknown> | null = null;
  /** A loop reads `stream` (run). */
  reading = false;
  seat: TopicSeat | undefined;
  /** What it was ended with by its procedure's side (stopWith): answered before `stopped`. */
  failure: Error | undefined;

  constructor(
    readonly call: SubscriptionCall,
    private readonly owner: Subscriptions,
  ) {
    super();
    this.prefix = framePrefix(call.id, call.jsonrpc);
  }

  get id(): RequestId {
    return this.call.id;
  }

  resume(stream: AsyncIterator<unknown>): void {
    this.stream = stream;
    // A loop still finishing the stream that joined picks this one up by itself.
    if (!this.reading) this.owner.run(this);
  }
}

/** How a loop over a subscription's stream ended. */
type Outcome = "completed" | "stopped" | "riding";

export class Subscriptions {
  /** Live subscriptions by request id. */
  private readonly live = new SubscriptionTable<Subscription>();

  constructor(
    private readonly owner: SubscriptionOwner,
    private readonly host: SubscriptionsHost,
    /** The socket offers Bun's topics (subscribe, unsubscribe). */
    private readonly canJoinTopics: boolean,
  ) {}

  /** Stops the subscription `id` (subscription.stop), if it is live. */
  stop(id: RequestId): void {
    this.live.get(id)?.abort();
  }

  /**
   * Ends the subscription whose procedure got `signal` with `error` (access
   * revoked): it stops as a `subscription.stop` does, then answers `error` and
   * `stopped`. False when none of this connection's live subscriptions got it.
   */
  stopWith(signal: AbortSignal, error: Error): boolean {
    for (const subscription of this.live.values()) {
      if (subscription.signal !== signal) continue;
      subscription.failure ??= error;
      subscription.abort();
      return true;
    }
    return false;
  }

  /** Stops every subscription: the connection is closing. */
  stopAll(): void {
    for (const subscription of this.live.takeAll()) subscription.abort();
  }

  /** A subscription: `started`, its events, then `stopped` (or an error). */
  async start(call: SubscriptionCall, batchIndex: number): Promise<void> {
    const { id, jsonrpc, path, input } = call;
    if (this.live.get(id)) {
      const error = new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` });
      this.owner.failed(id, jsonrpc, error, "subscription", path, input);
      return;
    }
    const subscription = new Subscription(call, this);
    this.live.add(subscription);
    try {
      subscription.stream = await this.openStream(subscription, batchIndex);
    } catch (cause) {
      this.owner.failed(id, jsonrpc, cause, "subscription", path, input);
    }
    if (!subscription.stream) {
      this.forget(subscription);
      return;
    }
    // Sent once the procedure has returned: its stream is subscribed, nothing after this is missed.
    this.owner.sendNow(this.host.frames.started(subscription.prefix));
    await this.run(subscription);
  }

  /**
   * The seat on the server's live channel of the subscription whose procedure got
   * `signal`: its stream may then have its live events written by one topic
   * publish shared with every caught-up subscriber (topics.ts). Undefined when
   * the server or the socket offers no topics.
   */
  liveSeat(signal: AbortSignal | undefined): LiveSeat | undefined {
    const topics = this.host.topics;
    if (!topics || !signal || !this.canJoinTopics) return undefined;
    for (const subscription of this.live.values()) {
      if (subscription.signal === signal)
        return (subscription.seat ??= topics.seat(this.owner, subscription.prefix, subscription));
    }
    return undefined;
  }

  private forget(subscription: Subscription): void {
    this.live.delete(subscription);
  }

  /**
   * Runs the subscription's procedure once the context is made: its stream, or
   * null when the subscription has been answered already (stopped before or while
   * it was set up, or refused by the procedure).
   */
  private async openStream(subscription: Subscription, batchIndex: number): Promise<AsyncIterator<unknown> | null> {
    const { signal, call } = subscription;
    const { owner } = this;
    const ctxError = await owner.contextReady();
    if (ctxError) throw ctxError;
    if (signal.aborted || !owner.isOpen) {
      this.stopped(subscription);
      return null;
    }
    let iterator: AsyncIterator<unknown>;
    try {
      const result = await owner.callProcedure(call.path, call.input, "subscription", signal, batchIndex);
      if (!isAsyncIterable(result)) {
        const message = `Subscription ${call.path} did not return an async iterable`;
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message });
      }
      iterator = result[Symbol.asyncIterator]();
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      // Stopped while setting up: the procedure gave up because it was told to.
      if (signal.aborted && error.code === "INTERNAL_SERVER_ERROR" && isAbortError(error.cause))
        this.stopped(subscription);
      else owner.failed(call.id, call.jsonrpc, error, "subscription", call.path, call.input);
      return null;
    }
    if (signal.aborted || !owner.isOpen) {
      subscription.abort();
      await this.end(iterator, call.path);
      this.stopped(subscription);
      return null;
    }
    return iterator;
  }

  /**
   * Reads the subscription's stream until it completes, is stopped, or hands the
   * subscriber to the live channel (then nothing waits for it: `resume` calls this
   * again). Then `stopped`. A stream that fails answers its error, then `stopped`
   * too (as tRPC's handler does); one that fails because it was stopped is only
   * logged, and only when the failure is not the stop itself.
   */
  async run(subscription: Subscription): Promise<void> {
    const { signal, prefix, call } = subscription;
    const { owner, host } = this;
    let outcome: Outcome = "stopped";
    try {
      outcome = await this.pump(subscription);
    } catch (cause) {
      if (!signal.aborted) {
        subscription.abort();
        await this.end(subscription.stream, call.path);
        owner.failed(call.id, call.jsonrpc, cause, "subscription", call.path, call.input);
        owner.sendNow(host.frames.stopped(prefix));
        this.forget(subscription);
        return;
      }
      const error = getTRPCErrorFromUnknown(cause);
      // Failing with what it was ended with (a revocation) is the end it was given, not a fault.
      if (cause !== subscription.failure && !isAbortError(error.cause)) owner.report(error, call.path);
    }
    if (outcome === "riding") return;
    if (outcome === "stopped") await this.end(subscription.stream, call.path);
    subscription.stream = null;
    this.stopped(subscription);
    this.forget(subscription);
  }

  /** `stopped`, after the error it was ended with, if any. */
  private stopped(subscription: Subscription): void {
    const { call, failure, prefix } = subscription;
    if (failure) this.owner.failed(call.id, call.jsonrpc, failure, "subscription", call.path, call.input);
    this.owner.sendNow(this.host.frames.stopped(prefix));
  }

  /** Queues each event of the stream until it completes, is stopped (subscription.stop, or the socket closed), or its subscriber rides. */
  private async pump(subscription: Subscription): Promise<Outcome> {
    const { owner, host } = this;
    const { frames, stats } = host;
    const { signal, prefix } = subscription;
    subscription.reading = true;
    try {
      for (;;) {
        const stream = subscription.stream!;
        const next = await stream.next();
        // Handed back while the stream that joined was ending: go on with the new one, even
        // if stopped meanwhile (started, it ends by itself and releases what it holds).
        if (next.done && subscription.stream !== stream) continue;
        // Stopped meanwhile: nothing more is sent.
        if (signal.aborted) return "stopped";
        if (next.done) {
          if (subscription.seat?.joined) {
            subscription.stream = null;
            return "riding";
          }
          return "completed";
        }
        owner.queue(frames.event(prefix, next.value));
        if (stats) stats.deliveries++;
      }
    } finally {
      subscription.reading = false;
    }
  }

  /** Lets a stream that did not finish by itself clean up (its `finally` blocks). */
  private async end(iterator: AsyncIterator<unknown> | null, path: string): Promise<void> {
    try {
      await iterator?.return?.();
    } catch (cause) {
      this.owner.report(getTRPCErrorFromUnknown(cause), path);
    }
  }
}
