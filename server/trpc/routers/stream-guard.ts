/**
 * The end of a room's stream (room.messages, room.presence) when its holder
 * loses the room: kicked, banned, leaving, or the room turning private (guests
 * included), on any process — also when that happened between the access check
 * and the stream's start. One object per stream, held for its life, so without
 * a closure per concern: it is the stream's stop switch (an AbortController),
 * watches the revocations, is its own listener for the subscription's signal,
 * and releases what the stream holds, once.
 */
import { TRPCError } from "@trpc/server";
import type { RoomName } from "../../../shared/schemas.ts";
import { roomNotFound } from "../../rooms/access.ts";
import { GUEST, type Revocations, type RevokeReason } from "../../rooms/revocations.ts";
import type { Context } from "../context.ts";

const REVOKED: Record<Exclude<RevokeReason, "hidden">, (room: RoomName) => string> = {
  kicked: (room) => `You were removed from room '${room}'.`,
  banned: (room) => `You were banned from room '${room}'.`,
  left: (room) => `You left room '${room}'.`,
};

/** How a stream ends when its holder loses the room: FORBIDDEN with the reason, or the seam's NOT_FOUND for a room they cannot see now. */
function revokedError(reason: RevokeReason, room: RoomName): TRPCError {
  if (reason === "hidden") return new TRPCError({ code: "NOT_FOUND", message: roomNotFound(room).message });
  return new TRPCError({ code: "FORBIDDEN", message: REVOKED[reason](room) });
}

/** Whom the revocations know a stream's holder as. */
export const holder = (ctx: Context) => ctx.user?.id ?? GUEST;

/** Which stream a guard watches: its room, its holder (GUEST for a guest), and the revocations' mark read before the access check. */
export interface GuardedStream {
  room: RoomName;
  userId: number;
  since: number;
}

/** The transport's side, when it can end a subscription with an error itself (the WebSocket connection: ConnectionState). */
export interface StreamStopper {
  stopSubscription?: ((signal: AbortSignal, error: Error) => boolean) | undefined;
}

export class StreamGuard {
  /** What the stream ends with once its holder lost the room (made once: the transport and the stream see the same error). */
  private revoked: TRPCError | undefined;
  private ended = false;
  private readonly onRevoked: (reason: RevokeReason) => void;
  /**
   * A stop switch of its own, only where the transport cannot end the subscription
   * with the revocation's error (no connection, no signal): on a WebSocket the
   * subscription's own signal is the stream's, and one AbortController per stream is enough.
   */
  private readonly own: AbortController | undefined;

  private readonly room: RoomName;
  private readonly userId: number;

  /** `release`: what the stream holds (its connection slots, its presence), run once by `end()`. */
  constructor(
    private readonly revocations: Revocations,
    stream: GuardedStream,
    private readonly outer: AbortSignal | undefined,
    private readonly release: () => void,
    private readonly transport: StreamStopper | null = null,
  ) {
    // Its fields, not the object it was given: a guard lives as long as its stream.
    this.room = stream.room;
    this.userId = stream.userId;
    this.onRevoked = this.revoke.bind(this);
    if (!outer || !transport?.stopSubscription) this.own = new AbortController();
    outer?.addEventListener("abort", this, { once: true });
    revocations.add(stream.room, stream.userId, this.onRevoked, stream.since);
  }

  /** Aborts when access is revoked or the subscription stops. */
  get signal(): AbortSignal {
    return this.own ? this.own.signal : this.outer!;
  }

  private revoke(reason: RevokeReason): void {
    if (this.ended) return;
    this.revoked = revokedError(reason, this.room);
    if (this.own) this.own.abort();
    // The transport answers the error and stops the subscription: its signal, the stream's, aborts.
    else if (!this.transport!.stopSubscription!(this.outer!, this.revoked)) this.end();
  }

  /** FORBIDDEN (or NOT_FOUND) with the reason once revoked, else undefined: what the stream ends with. */
  error(): TRPCError | undefined {
    return this.revoked;
  }

  /** A signal it listens to aborted (the subscription's, or its own when `end` should follow a revocation at once). */
  handleEvent(): void {
    this.end();
  }

  /** Stops watching and releases what the stream holds; call when the stream ends, however it ends (idempotent). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.outer?.removeEventListener("abort", this);
    this.revocations.unwatch(this.room, this.userId, this.onRevoked);
    this.own?.abort();
    this.release();
  }
}
