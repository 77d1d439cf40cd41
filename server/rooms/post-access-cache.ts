/**
 * The posting seam's answers, remembered for a moment. Every room.send looked
 * its room up for its sender (one indexed join, ~18 µs on SQLite: more than
 * the insert of the message itself under group commit); a busy sender asks the
 * same question many times a second. Only answers that allow posting are kept,
 * so a stale entry can only be too permissive, and never for long:
 * - a change made on this process (membership, role, ban, topic) drops the
 *   room's entries at once;
 * - a revocation (kick, ban, leave) from any process drops the user's entry the
 *   moment its control event arrives, as it ends their streams; a room that
 *   narrows who may read it (a name becoming a private room) drops the room's;
 * - anything else made on another process (a demotion) holds here for at most
 *   `ttlMs`, the bound a socket's session re-check already has.
 * The store inside the send's transaction still checks a private room's
 * membership and a room's size, under the room row's lock.
 */
import { POST_ACCESS_MAX_ENTRIES, POST_ACCESS_TTL_MS } from "../limits/defaults.ts";
import type { AnyRoomAccess, RoomAccess } from "./access.ts";

export interface PostAccessCacheOptions {
  ttlMs?: number;
  /** Entries held at most (all rooms); past it the cache starts over. */
  maxEntries?: number;
}

export function createPostAccessCache<A extends AnyRoomAccess = RoomAccess>({
  ttlMs = POST_ACCESS_TTL_MS,
  maxEntries = POST_ACCESS_MAX_ENTRIES,
}: PostAccessCacheOptions = {}) {
  /** room → user id → the answer and when it was looked up. */
  let rooms = new Map<string, Map<number, { access: A; at: number }>>();
  let size = 0;

  return {
    get(room: string, userId: number): A | undefined {
      const entry = rooms.get(room)?.get(userId);
      if (!entry) return undefined;
      if (performance.now() - entry.at < ttlMs) return entry.access;
      rooms.get(room)!.delete(userId);
      size--;
      return undefined;
    },

    set(room: string, userId: number, access: A): void {
      if (size >= maxEntries) this.clear();
      let users = rooms.get(room);
      if (!users) rooms.set(room, (users = new Map()));
      if (!users.has(userId)) size++;
      users.set(userId, { access, at: performance.now() });
    },

    /** Drops one user's answer for a room, or every answer for it. */
    forget(room: string, userId?: number): void {
      const users = rooms.get(room);
      if (!users) return;
      if (userId === undefined) {
        size -= users.size;
        rooms.delete(room);
      } else if (users.delete(userId)) size--;
    },

    clear(): void {
      rooms = new Map();
      size = 0;
    },

    get size() {
      return size;
    },
  };
}

export type PostAccessCache = ReturnType<typeof createPostAccessCache>;
