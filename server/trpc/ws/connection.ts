/**
 * One WebSocket connection speaking tRPC's protocol (see protocol.ts): its
 * context, created once; its frames, read and answered; its queries and
 * mutations. What it writes goes through the socket's outbox (socket-writer.ts);
 * its subscriptions run in subscriptions.ts.
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
import { REFUSED_SOCKET_GRACE_MS } from "../../limits/defaults.ts";
import {
  type CallType,
  type ConnectionParams,
  decodeConnectionParams,
  decodeMessages,
  type FrameEncoder,
  framePrefix,
  isAsyncIterable,
  type ProcedureCall,
  type RequestId,
  withLastEventId,
} from "./protocol.ts";
import { SocketWriter, type SocketWriterHost, type WsSocket } from "./socket-writer.ts";
import { type SubscriptionOwner, Subscriptions, type SubscriptionsHost } from "./subscriptions.ts";

export { CLOSE_TOO_SLOW, type WsSocket } from "./socket-writer.ts";

/** What every connection of one server shares. */
export interface ConnectionHost<TData> extends SocketWriterHost<TData>, SubscriptionsHost {
  router: AnyRouter;
  frames: FrameEncoder;
  createContext(connection: Connection<TData>, connectionParams: ConnectionParams): Promise<unknown>;
  onError(error: TRPCError, path: string | undefined, connection: Connection<TData>): void;
  /** Calls one frame may carry; a longer batch is refused whole, one error per call. */
  maxBatchSize: number;
  /** Queries and mutations running at once on one connection; more are refused with TOO_MANY_REQUESTS. */
  maxCallsInFlight: number;
}

export class Connection<TData> extends SocketWriter<TData> implements SubscriptionOwner {
  /** The procedures' context once created (undefined before, or if creating it failed). */
  private ctx: unknown;
  /** Resolves with the error that creating the context failed with, or null. Null until connectionParams arrive. */
  private ctxReady: Promise<TRPCError | null> | null = null;
  /** Made with the first subscription. */
  private subscriptions: Subscriptions | null = null;
  /** Queries and mutations started and not yet answered (including those waiting for the socket to drain). */
  private callsInFlight = 0;
  /** Set by `closeWhenAnswered`: new queries and mutations are refused, and the socket closes with this once none is in flight. */
  private retiring: { code: number; reason: string } | null = null;

  constructor(
    ws: WsSocket<TData>,
    private readonly host: ConnectionHost<TData>,
    /** The client said (`?connectionParams=1`) that its first frame carries connectionParams. */
    expectsConnectionParams: boolean,
  ) {
    super(ws, host);
    if (!expectsConnectionParams) this.ctxReady = this.createContext(() => null);
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
    let messages: ReturnType<typeof decodeMessages>;
    try {
      messages = decodeMessages(frame, this.host.router);
    } catch (cause) {
      const error = new TRPCError({ code: "PARSE_ERROR", cause });
      this.sendError(null, undefined, { error, type: "unknown", path: undefined, input: undefined });
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
    const message = `At most ${max} calls in one frame (this one had ${messages.length}); nothing in it was run.`;
    const error = new TRPCError({ code: "PAYLOAD_TOO_LARGE", message });
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
      // Requests already on their way are answered with the refusal meanwhile (they await ctxReady).
      setTimeout(() => this.close(), REFUSED_SOCKET_GRACE_MS);
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
      this.subscriptions?.stop(id);
      return;
    }
    // Not awaited: each request of a batch runs on its own, as in tRPC.
    const running =
      message.method === "subscription" ? this.subscribe(id, message, batchIndex) : this.call(id, message, batchIndex);
    running.catch((cause) => this.host.onError(getTRPCErrorFromUnknown(cause), undefined, this));
  }

  /** A subscription: run by the connection's subscriptions, made with the first. */
  private subscribe(id: RequestId, message: ProcedureCall, batchIndex: number): Promise<void> {
    const { params, jsonrpc } = message;
    const canJoinTopics = !!(this.ws.subscribe && this.ws.unsubscribe);
    this.subscriptions ??= new Subscriptions(this, this.host, canJoinTopics);
    // What the stream needs, not the frame's message: the subscription's frame holds these for its whole life.
    const call = { id, jsonrpc, path: params.path, input: withLastEventId(params.input, params.lastEventId) };
    return this.subscriptions.start(call, batchIndex);
  }

  /** A query or mutation: one answer. */
  private async call(id: RequestId, message: ProcedureCall, batchIndex: number): Promise<void> {
    const { jsonrpc, method: type } = message;
    const { path } = message.params;
    const input = withLastEventId(message.params.input, message.params.lastEventId);
    const refusal = this.refusal();
    if (refusal) {
      this.failed(id, jsonrpc, refusal, type, path, input);
      return;
    }
    this.callsInFlight++;
    try {
      const ctxError = await this.ctxReady;
      if (ctxError) throw ctxError;
      // Counted before it is produced: no answer is built while the socket already holds its share.
      await this.drain();
      const result = await this.callProcedure(path, input, type, new AbortController().signal, batchIndex);
      if (isAsyncIterable(result)) {
        const message = `Cannot return an async iterable or observable from a ${type} procedure with WebSockets`;
        throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message });
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

  /** Why a new query or mutation cannot start now (the server is restarting, too many in flight), or null. */
  private refusal(): TRPCError | null {
    if (this.retiring) {
      // Nothing ran, so sending it again (on the client's new socket) is safe.
      const message = "The server is restarting: nothing was run. Send it again on a new connection.";
      return new TRPCError({ code: "SERVICE_UNAVAILABLE", message });
    }
    const max = this.host.maxCallsInFlight;
    if (this.callsInFlight < max) return null;
    const message = `At most ${max} calls at once per connection: wait for their answers before sending more.`;
    return new TRPCError({ code: "TOO_MANY_REQUESTS", message });
  }

  // As the owner of its subscriptions (subscriptions.ts).
  contextReady(): Promise<TRPCError | null> {
    return this.ctxReady ?? Promise.resolve(null);
  }

  callProcedure(
    path: string,
    input: unknown,
    type: CallType,
    signal: AbortSignal,
    batchIndex: number,
  ): Promise<unknown> {
    const { router } = this.host;
    return callTRPCProcedure({ router, path, getRawInput: async () => input, ctx: this.ctx, type, signal, batchIndex });
  }

  report(error: TRPCError, path: string): void {
    this.host.onError(error, path, this);
  }

  /**
   * The seat on the server's live channel of the subscription whose procedure got
   * `signal` (see subscriptions.ts), if any.
   */
  liveSeat(signal: AbortSignal | undefined): LiveSeat | undefined {
    return this.subscriptions?.liveSeat(signal);
  }

  /** Ends the subscription whose procedure got `signal` with `error` (see subscriptions.ts), if it is live. */
  stopSubscription(signal: AbortSignal, error: Error): boolean {
    return this.subscriptions?.stopWith(signal, error) ?? false;
  }

  failed(
    id: RequestId,
    jsonrpc: "2.0" | undefined,
    cause: unknown,
    type: CallType,
    path: string,
    input: unknown,
  ): void {
    const error = getTRPCErrorFromUnknown(cause);
    this.host.onError(error, path, this);
    this.sendError(id, jsonrpc, { error, type, path, input });
  }

  private sendError(
    id: RequestId | null,
    jsonrpc: "2.0" | undefined,
    call: Omit<Parameters<FrameEncoder["error"]>[2], "ctx">,
  ): void {
    if (!this.isOpen) return;
    const onError = (error: TRPCError) => this.host.onError(error, call.path, this);
    this.sendNow(this.host.frames.error(id, jsonrpc, { ...call, ctx: this.ctx }, onError));
  }

  /**
   * The last step of a graceful shutdown, once the reconnect notice has had its
   * time (see the adapter's `drainAll`): no new query or mutation runs (each is
   * answered SERVICE_UNAVAILABLE: nothing ran, send it again), every one in
   * flight is answered, then the socket closes with `code`. Subscriptions go on
   * until then; the client resubscribes from its last event on its new socket.
   */
  closeWhenAnswered(code: number, reason: string): void {
    if (!this.isOpen || this.retiring) return;
    this.retiring = { code, reason };
    this.closeIfRetiredAndAnswered();
  }

  private closeIfRetiredAndAnswered(): void {
    if (this.retiring && this.callsInFlight === 0) this.close(this.retiring.code, this.retiring.reason);
  }

  /** Closing: every subscription stops, as well as every wait for `drain()`. */
  protected override stopAll(): void {
    super.stopAll();
    this.subscriptions?.stopAll();
  }
}
