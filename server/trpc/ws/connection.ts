/**
 * One WebSocket connection speaking tRPC's protocol (see protocol.ts): its
 * context, created once; its subscriptions, each one plain loop over the
 * procedure's async iterable; and its outbox, written once per event-loop turn.
 *
 * Per subscriber and per event the work is: one `next()` of the stream, one
 * string concatenation (the payload's JSON is shared, see createFrameEncoder),
 * one push to the outbox. A stopped subscription ends through the AbortSignal
 * its procedure got (our streams end when it aborts), not by racing each `next()`.
 */
import { type AnyRouter, callTRPCProcedure, getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
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
}

/** Close code for a client that reads too slowly: it reconnects and resumes from the database. */
export const CLOSE_TOO_SLOW = 4003;

/** What every connection of one server shares. */
export interface ConnectionHost<TData> {
  router: AnyRouter;
  frames: FrameEncoder;
  createContext(connection: Connection<TData>, connectionParams: ConnectionParams): Promise<unknown>;
  onError(error: TRPCError, path: string | undefined): void;
  /** Bytes queued for this client past which it is closed as too slow. */
  slowConsumerBytes: number;
  /** Asks for `flush()` at the end of this event-loop turn. */
  scheduleFlush(connection: Connection<TData>): void;
}

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

export class Connection<TData> {
  private state = OPEN;
  /** The code this side closed with, if it did. */
  closeCode: number | undefined;
  /** The procedures' context once created (undefined before, or if creating it failed). */
  private ctx: unknown;
  /** Resolves with the error that creating the context failed with, or null. Null until connectionParams arrive. */
  private ctxReady: Promise<TRPCError | null> | null = null;
  /** Live subscriptions by request id; allocated with the first. */
  private subscriptions: Map<RequestId, AbortController> | null = null;
  /** Results sent since the last flush. */
  private outbox: string[] | null = null;
  private closeListeners: (() => void)[] | null = null;

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
    for (let i = 0; i < messages.length; i++) this.handle(messages[i]!, i);
  }

  private async createContext(connectionParams: () => ConnectionParams): Promise<TRPCError | null> {
    try {
      this.ctx = await this.host.createContext(this, connectionParams());
      return null;
    } catch (cause) {
      // Refused (bad connectionParams, per-user cap): say why, then close.
      const error = getTRPCErrorFromUnknown(cause);
      this.host.onError(error, undefined);
      this.sendError(null, undefined, { error, type: "unknown", path: undefined, input: undefined });
      setImmediate(() => this.close());
      return error;
    }
  }

  private handle(message: ReturnType<typeof decodeMessages>[number], batchIndex: number): void {
    const { id, jsonrpc } = message;
    if (id === null) {
      const error = new TRPCError({ code: "PARSE_ERROR", message: "`id` is required" });
      this.host.onError(error, undefined);
      this.sendError(id, jsonrpc, { error, type: "unknown", path: undefined, input: undefined });
      return;
    }
    if (message.method === "subscription.stop") {
      this.subscriptions?.get(id)?.abort();
      return;
    }
    // Not awaited: each request of a batch runs on its own, as in tRPC.
    const running = message.method === "subscription" ? this.subscribe(id, message, batchIndex) : this.call(id, message, batchIndex);
    running.catch((cause) => this.host.onError(getTRPCErrorFromUnknown(cause), undefined));
  }

  /** A query or mutation: one answer. */
  private async call(id: RequestId, message: ProcedureCall, batchIndex: number): Promise<void> {
    const { jsonrpc, method: type } = message;
    const { path } = message.params;
    const input = withLastEventId(message.params.input, message.params.lastEventId);
    try {
      const ctxError = await this.ctxReady;
      if (ctxError) throw ctxError;
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
      this.failed(id, jsonrpc, cause, type, path, input);
    }
  }

  /** A subscription: `started`, its events, then `stopped` (or an error). */
  private async subscribe(id: RequestId, message: ProcedureCall, batchIndex: number): Promise<void> {
    const { jsonrpc } = message;
    const { path } = message.params;
    const input = withLastEventId(message.params.input, message.params.lastEventId);
    if (this.subscriptions?.has(id)) {
      this.failed(id, jsonrpc, new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` }), "subscription", path, input);
      return;
    }
    const controller = new AbortController();
    const signal = controller.signal;
    (this.subscriptions ??= new Map()).set(id, controller);
    const frames = this.host.frames;
    const prefix = framePrefix(id, jsonrpc);
    try {
      const ctxError = await this.ctxReady;
      if (ctxError) throw ctxError;
      if (signal.aborted || !this.isOpen) {
        this.sendNow(frames.stopped(prefix));
        return;
      }
      let iterator: AsyncIterator<unknown>;
      try {
        const result: unknown = await callTRPCProcedure({ router: this.host.router, path, getRawInput: async () => input, ctx: this.ctx, type: "subscription", signal, batchIndex });
        if (!isAsyncIterable(result)) {
          throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `Subscription ${path} did not return an async iterable` });
        }
        iterator = result[Symbol.asyncIterator]();
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        // Stopped while setting up: the procedure gave up because it was told to.
        if (signal.aborted && error.code === "INTERNAL_SERVER_ERROR" && isAbortError(error.cause)) this.sendNow(frames.stopped(prefix));
        else this.failed(id, jsonrpc, error, "subscription", path, input);
        return;
      }
      if (signal.aborted || !this.isOpen) {
        controller.abort();
        await this.end(iterator, path);
        this.sendNow(frames.stopped(prefix));
        return;
      }
      // Sent once the procedure has returned: its stream is subscribed, nothing after this is missed.
      this.sendNow(frames.started(prefix));
      let completed = false;
      try {
        for (;;) {
          const next = await iterator.next();
          // Stopped meanwhile (subscription.stop, or the socket closed): nothing more is sent.
          if (signal.aborted) break;
          if (next.done) {
            completed = true;
            break;
          }
          this.queue(frames.event(prefix, next.value));
        }
      } catch (cause) {
        if (!signal.aborted) {
          controller.abort();
          await this.end(iterator, path);
          this.failed(id, jsonrpc, cause, "subscription", path, input);
          return;
        }
        const error = getTRPCErrorFromUnknown(cause);
        if (!isAbortError(error.cause)) this.host.onError(error, path);
      }
      if (!completed) await this.end(iterator, path);
      this.sendNow(frames.stopped(prefix));
    } catch (cause) {
      this.failed(id, jsonrpc, cause, "subscription", path, input);
    } finally {
      if (this.subscriptions?.get(id) === controller) this.subscriptions.delete(id);
    }
  }

  /** Lets a stream that did not finish by itself clean up (its `finally` blocks). */
  private async end(iterator: AsyncIterator<unknown>, path: string): Promise<void> {
    try {
      await iterator.return?.();
    } catch (cause) {
      this.host.onError(getTRPCErrorFromUnknown(cause), path);
    }
  }

  private failed(id: RequestId, jsonrpc: "2.0" | undefined, cause: unknown, type: CallType, path: string, input: unknown): void {
    const error = getTRPCErrorFromUnknown(cause);
    this.host.onError(error, path);
    this.sendError(id, jsonrpc, { error, type, path, input });
  }

  private sendError(id: RequestId | null, jsonrpc: "2.0" | undefined, call: Omit<Parameters<FrameEncoder["error"]>[2], "ctx">): void {
    if (!this.isOpen) return;
    this.sendNow(this.host.frames.error(id, jsonrpc, { ...call, ctx: this.ctx }, (error) => this.host.onError(error, call.path)));
  }

  /** Results wait for the turn's flush, so a publish to many subscribers costs one corked write per socket. */
  private queue(frame: string): void {
    if (!this.isOpen) return;
    if (this.outbox) {
      this.outbox.push(frame);
      return;
    }
    this.outbox = [frame];
    this.host.scheduleFlush(this);
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
    if (!frames || !this.isOpen) return;
    if (frames.length === 1) this.ws.send(frames[0]!);
    else
      this.ws.cork(() => {
        for (const frame of frames) this.ws.send(frame);
      });
    this.checkBackpressure();
  }

  private checkBackpressure(): void {
    // A reader that has fallen this far behind is cut off with a reason, before Bun's
    // own hard limit (which drops the connection without one). It resumes on reconnect.
    if (this.ws.getBufferedAmount() > this.host.slowConsumerBytes) this.close(CLOSE_TOO_SLOW, "Reading too slowly");
  }

  close(code?: number, reason?: string): void {
    if (this.state !== OPEN) return;
    // What was sent before closing goes out first (an error, the reconnect notice).
    this.flush();
    this.state = CLOSING;
    this.closeCode = code;
    this.ws.close(code, reason);
  }

  /** The socket has closed: stops every subscription and tells the close listeners. */
  closed(): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.outbox = null;
    const subscriptions = this.subscriptions;
    this.subscriptions = null;
    if (subscriptions) for (const controller of subscriptions.values()) controller.abort();
    const listeners = this.closeListeners;
    this.closeListeners = null;
    if (listeners) for (const listener of listeners) listener();
  }
}
