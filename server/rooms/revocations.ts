/**
 * Ends open streams of a room (room.messages, room.presence) the moment their
 * holder may no longer read it, on every process: one user kicked, banned or
 * leaving (`revoke`), or a room narrowing who may read it — a name becoming a
 * private room ends every stream of it but its owner's, guests' included
 * (`narrow`). The change travels as a control event, and each process aborts
 * the streams it holds. When events may have been missed (a lag, a Redis
 * reconnect), every held stream is checked against the database again.
 *
 * A stream registers after its access was checked: `add`/`watch` take the
 * `mark()` read before that check, and a change heard in between ends the
 * stream at once (after a lag, or when the memory of recent changes has moved
 * past the mark, it is checked against the database instead).
 */
import type { ControlChannel } from "../groups/control-channel.ts";

/** Why a stream ended: "hidden" — the room became one its holder cannot see (the seam's NOT_FOUND). */
export type RevokeReason = "kicked" | "banned" | "left" | "hidden";

/** The user id streams of guests are held under (no user has it). */
export const GUEST = 0;

/** Changes remembered for streams registering late (a stream's access check is a query or two long). */
const RECENT_CHANGES = 1024;

export interface RevocationsOptions {
  control: ControlChannel;
  /** Why `userId` (GUEST: a guest) may no longer read `room`, or null while they may (asked after a lag). */
  whyRevoked(room: string, userId: number): Promise<RevokeReason | null>;
  log?: { error(fields: object, message: string): void };
}

/** A change heard: one user out (`userId`), or everyone but `readers`. */
interface Heard {
  mark: number;
  room: string;
  userId?: number;
  readers?: readonly number[];
  reason: RevokeReason;
}

export function createRevocations({ control, whyRevoked, log }: RevocationsOptions) {
  /** room → user id → the revoke callbacks of that user's open streams of it. */
  const open = new Map<string, Map<number, Set<(reason: RevokeReason) => void>>>();

  /** Told of every revocation this process hears of (its own and others'), and of a lag (userId undefined: anyone). */
  const listeners = new Set<(room: string | undefined, userId: number | undefined) => void>();

  /** Changes heard, newest last, the `mark` of each one more than the one before. */
  let heard = 0;
  const recent: Heard[] = [];
  /** Marks at or below which a stream registering now cannot be told from `recent`: a lag, or forgotten changes. */
  let unknownUpTo = 0;

  const reportFailure = (error: unknown, room: string) =>
    log ? log.error({ err: error, room }, "re-checking access failed") : console.error("[parlor] re-checking access failed", error);

  function remember(change: Omit<Heard, "mark">): void {
    recent.push({ ...change, mark: ++heard });
    if (recent.length > RECENT_CHANGES) unknownUpTo = Math.max(unknownUpTo, recent.shift()!.mark);
  }

  function revokeLocally(room: string, userId: number, reason: RevokeReason) {
    remember({ room, userId, reason });
    for (const listener of listeners) listener(room, userId);
    const callbacks = open.get(room)?.get(userId);
    if (callbacks) for (const callback of [...callbacks]) callback(reason);
  }

  function narrowLocally(room: string, readers: readonly number[]) {
    remember({ room, readers, reason: "hidden" });
    for (const listener of listeners) listener(room, undefined);
    for (const [userId, callbacks] of [...(open.get(room) ?? [])]) {
      if (userId !== GUEST && readers.includes(userId)) continue;
      for (const callback of [...callbacks]) callback("hidden");
    }
  }

  /** Why a stream of `room` by `userId` whose access was read at `since` must end, null if it may go on, "unknown" if only the database can tell. */
  function missedSince(room: string, userId: number, since: number): RevokeReason | null | "unknown" {
    if (since >= heard) return null;
    if (since < unknownUpTo) return "unknown";
    for (let i = recent.length - 1; i >= 0 && recent[i]!.mark > since; i--) {
      const change = recent[i]!;
      if (change.room !== room) continue;
      if (change.readers ? userId === GUEST || !change.readers.includes(userId) : change.userId === userId) return change.reason;
    }
    return null;
  }

  /** Re-checks one stream against the database; revokes it if it may no longer read the room. */
  function recheck(room: string, userId: number, callback?: (reason: RevokeReason) => void) {
    whyRevoked(room, userId)
      .then((reason) => {
        if (!reason) return;
        if (!callback) return revokeLocally(room, userId, reason);
        if (open.get(room)?.get(userId)?.has(callback)) callback(reason);
      })
      .catch((error) => reportFailure(error, room));
  }

  control.on("revoke", (event) => revokeLocally(event.room, event.userId, event.reason));
  control.on("narrowed", (event) => narrowLocally(event.room, event.readers));
  control.onLagged(() => {
    unknownUpTo = heard = heard + 1;
    for (const listener of listeners) listener(undefined, undefined);
    for (const [room, users] of open) {
      for (const userId of users.keys()) recheck(room, userId);
    }
  });

  /**
   * Registers an open stream of `room` held by `userId` (GUEST for a guest).
   * `since`: the `mark()` read before the stream's access was checked; a change
   * heard since then revokes it at once (here, before this returns).
   */
  function add(room: string, userId: number, onRevoked: (reason: RevokeReason) => void, since?: number): void {
    let users = open.get(room);
    if (!users) open.set(room, (users = new Map()));
    let callbacks = users.get(userId);
    if (!callbacks) users.set(userId, (callbacks = new Set()));
    callbacks.add(onRevoked);
    if (since === undefined) return;
    const missed = missedSince(room, userId, since);
    if (missed === "unknown") recheck(room, userId, onRevoked);
    else if (missed) onRevoked(missed);
  }

  function remove(room: string, userId: number, onRevoked: (reason: RevokeReason) => void): void {
    const users = open.get(room);
    const callbacks = users?.get(userId);
    if (!users || !callbacks?.delete(onRevoked)) return;
    if (callbacks.size === 0) users.delete(userId);
    if (users.size === 0) open.delete(room);
  }

  return {
    /** Read before checking a stream's access; pass it to `add`/`watch` as `since`. */
    mark: () => heard,

    /** Registers an open stream (see `add`); call the returned function when it ends. */
    watch(room: string, userId: number, onRevoked: (reason: RevokeReason) => void, since?: number): () => void {
      add(room, userId, onRevoked, since);
      return () => remove(room, userId, onRevoked);
    },

    /** The same without a closure to hold: `unwatch` with the same arguments when the stream ends (idempotent). */
    add,
    unwatch: remove,

    /** Tells every process (this one included) that `userId` lost access to `room`. */
    async revoke(room: string, userId: number, reason: Exclude<RevokeReason, "hidden">): Promise<void> {
      // Locally at once, whatever the layer does; the event reaches the others (and repeats here harmlessly).
      revokeLocally(room, userId, reason);
      await control.publish({ type: "revoke", room, userId, reason });
    },

    /**
     * Ends this process's streams of `room` held by anyone but `readers` (guests
     * always), at once and without a word to the others: called inside the
     * transaction that narrows the room, before any entry of the narrowed room
     * can be committed, so none reaches a stream here that should have ended.
     */
    narrowLocally,

    /** Tells every process (this one included) that only `readers` may read `room` now. */
    async narrow(room: string, readers: readonly number[]): Promise<void> {
      narrowLocally(room, readers);
      await control.publish({ type: "narrowed", room, readers: [...readers] });
    },

    /** Calls `listener` for each revocation heard (no user: the whole room), and with no room after a lag (any access may have changed). */
    onRevoke(listener: (room: string | undefined, userId: number | undefined) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Open streams held, for tests and metrics. */
    watching: (room: string) => [...(open.get(room)?.values() ?? [])].reduce((n, s) => n + s.size, 0),
  };
}

export type Revocations = ReturnType<typeof createRevocations>;
