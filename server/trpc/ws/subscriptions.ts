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
import type { TopicChannel, TopicMember } from "./topics.ts";

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

/** A live subscription: its stop switch, and the start of each of its frames. */
class Subscription extends AbortController {
  constructor(readonly prefix: string) {
    super();
  }
}

export class Subscriptions {
  /** Live subscriptions by request id. */
  private readonly live = new Map<RequestId, Subscription>();

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

  /** Stops every subscription: the connection is closing. */
  stopAll(): void {
    const live = [...this.live.values()];
    this.live.clear();
    for (const controller of live) controller.abort();
  }

  /** A subscription: `started`, its events, then `stopped` (or an error). */
  async start(call: SubscriptionCall, batchIndex: number): Promise<void> {
    const { id, jsonrpc, path, input } = call;
    if (this.live.has(id)) {
      const error = new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` });
      this.owner.failed(id, jsonrpc, error, "subscription", path, input);
      return;
    }
    const controller = new Subscription(framePrefix(id, jsonrpc));
    this.live.set(id, controller);
    try {
      const iterator = await this.openStream(call, controller, batchIndex);
      if (iterator) await this.stream(call, controller, iterator);
    } catch (cause) {
      this.owner.failed(id, jsonrpc, cause, "subscription", path, input);
    } finally {
      if (this.live.get(id) === controller) this.live.delete(id);
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
    if (!topics || !signal || !this.canJoinTopics) return undefined;
    for (const subscription of this.live.values()) {
      if (subscription.signal === signal) return topics.seat(this.owner, subscription.prefix);
    }
    return undefined;
  }

  /**
   * Runs the subscription's procedure once the context is made: its stream, or
   * null when the subscription has been answered already (stopped before or while
   * it was set up, or refused by the procedure).
   */
  private async openStream(
    call: SubscriptionCall,
    controller: Subscription,
    batchIndex: number,
  ): Promise<AsyncIterator<unknown> | null> {
    const { signal, prefix } = controller;
    const { owner, host } = this;
    const ctxError = await owner.contextReady();
    if (ctxError) throw ctxError;
    if (signal.aborted || !owner.isOpen) {
      owner.sendNow(host.frames.stopped(prefix));
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
        owner.sendNow(host.frames.stopped(prefix));
      else owner.failed(call.id, call.jsonrpc, error, "subscription", call.path, call.input);
      return null;
    }
    if (signal.aborted || !owner.isOpen) {
      controller.abort();
      await this.end(iterator, call.path);
      owner.sendNow(host.frames.stopped(prefix));
      return null;
    }
    return iterator;
  }

  /**
   * `started`, the stream's events, then `stopped`. A stream that fails answers its
   * error, then `stopped` too (as tRPC's handler does); one that fails because it
   * was stopped is only logged, and only when the failure is not the stop itself.
   */
  private async stream(
    call: SubscriptionCall,
    controller: Subscription,
    iterator: AsyncIterator<unknown>,
  ): Promise<void> {
    const { signal, prefix } = controller;
    const { owner, host } = this;
    // Sent once the procedure has returned: its stream is subscribed, nothing after this is missed.
    owner.sendNow(host.frames.started(prefix));
    let completed = false;
    try {
      completed = await this.pump(iterator, signal, prefix);
    } catch (cause) {
      if (!signal.aborted) {
        controller.abort();
        await this.end(iterator, call.path);
        owner.failed(call.id, call.jsonrpc, cause, "subscription", call.path, call.input);
        owner.sendNow(host.frames.stopped(prefix));
        return;
      }
      const error = getTRPCErrorFromUnknown(cause);
      if (!isAbortError(error.cause)) owner.report(error, call.path);
    }
    if (!completed) await this.end(iterator, call.path);
    owner.sendNow(host.frames.stopped(prefix));
  }

  /** Queues each event of the stream until it completes (true) or is stopped (false: subscription.stop, or the socket closed). */
  private async pump(iterator: AsyncIterator<unknown>, signal: AbortSignal, prefix: string): Promise<boolean> {
    const { owner, host } = this;
    const frames = host.frames;
    for (;;) {
      const next = await iterator.next();
      // Stopped meanwhile: nothing more is sent.
      if (signal.aborted) return false;
      if (next.done) return true;
      owner.queue(frames.event(prefix, next.value));
      if (host.stats) host.stats.deliveries++;
    }
  }

  /** Lets a stream that did not finish by itself clean up (its `finally` blocks). */
  private async end(iterator: AsyncIterator<unknown>, path: string): Promise<void> {
    try {
      await iterator.return?.();
    } catch (cause) {
      this.owner.report(getTRPCErrorFromUnknown(cause), path);
    }
  }
}
