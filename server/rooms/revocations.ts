/**
 * Ends a user's open streams of a room (room.messages, room.presence) the moment
 * they are kicked, banned or leave, on every process: the change travels as a
 * control event, and each process aborts the streams it holds for that user and
 * room. When events may have been missed (a lag, a Redis reconnect), every held
 * stream is checked against the database again.
 */
import type { ControlChannel } from "../groups/control-channel.ts";

export type RevokeReason = "kicked" | "banned" | "left";

export interface RevocationsOptions {
  control: ControlChannel;
  /** Why `userId` may no longer read `room`, or null while they may (asked after a lag). */
  whyRevoked(room: string, userId: number): Promise<RevokeReason | null>;
  log?: { error(fields: object, message: string): void };
}

export function createRevocations({ control, whyRevoked, log }: RevocationsOptions) {
  /** room → user id → the revoke callbacks of that user's open streams of it. */
  const open = new Map<string, Map<number, Set<(reason: RevokeReason) => void>>>();

  /** Told of every revocation this process hears of (its own and others'), and of a lag (userId undefined: anyone). */
  const listeners = new Set<(room: string | undefined, userId: number | undefined) => void>();

  function revokeLocally(room: string, userId: number, reason: RevokeReason) {
    for (const listener of listeners) listener(room, userId);
    const callbacks = open.get(room)?.get(userId);
    if (callbacks) for (const callback of [...callbacks]) callback(reason);
  }

  control.on("revoke", (event) => revokeLocally(event.room, event.userId, event.reason));
  control.onLagged(() => {
    for (const listener of listeners) listener(undefined, undefined);
    for (const [room, users] of open) {
      for (const userId of users.keys()) {
        whyRevoked(room, userId)
          .then((reason) => reason && revokeLocally(room, userId, reason))
          .catch((error) => (log ? log.error({ err: error, room }, "re-checking access after a lag failed") : console.error("[parlor] re-checking access after a lag failed", error)));
      }
    }
  });

  function add(room: string, userId: number, onRevoked: (reason: RevokeReason) => void): void {
    let users = open.get(room);
    if (!users) open.set(room, (users = new Map()));
    let callbacks = users.get(userId);
    if (!callbacks) users.set(userId, (callbacks = new Set()));
    callbacks.add(onRevoked);
  }

  function remove(room: string, userId: number, onRevoked: (reason: RevokeReason) => void): void {
    const users = open.get(room);
    const callbacks = users?.get(userId);
    if (!users || !callbacks?.delete(onRevoked)) return;
    if (callbacks.size === 0) users.delete(userId);
    if (users.size === 0) open.delete(room);
  }

  return {
    /** Registers an open stream of `room` held by `userId`; call the returned function when it ends. */
    watch(room: string, userId: number, onRevoked: (reason: RevokeReason) => void): () => void {
      add(room, userId, onRevoked);
      return () => remove(room, userId, onRevoked);
    },

    /** The same without a closure to hold: `unwatch` with the same arguments when the stream ends (idempotent). */
    add,
    unwatch: remove,

    /** Tells every process (this one included) that `userId` lost access to `room`. */
    async revoke(room: string, userId: number, reason: RevokeReason): Promise<void> {
      // Locally at once, whatever the layer does; the event reaches the others (and repeats here harmlessly).
      revokeLocally(room, userId, reason);
      await control.publish({ type: "revoke", room, userId, reason });
    },

    /** Calls `listener` for each revocation heard, and with no room after a lag (any access may have changed). */
    onRevoke(listener: (room: string | undefined, userId: number | undefined) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Open streams held, for tests and metrics. */
    watching: (room: string) => [...(open.get(room)?.values() ?? [])].reduce((n, s) => n + s.size, 0),
  };
}

export type Revocations = ReturnType<typeof createRevocations>;
