/**
 * The access seam's answers for opening a room's streams (room.messages,
 * room.presence), remembered for a moment. A burst of connects opens the same
 * room for the same user over and over (a user's tabs and devices, every client
 * after a restart); a stream needs only to know that the caller may see the room.
 * Only answers that let the caller see it are kept, so a stale entry can only be
 * too permissive, and the events that take sight away drop it:
 * - a change made on this process (membership, role, topic) drops the room's
 *   entries at once;
 * - a revocation (kick, ban, leave) from any process drops the user's entry the
 *   moment its control event arrives, as it ends their open streams; a narrowing
 *   (a name becoming a private room) drops the room's; a lag drops everything;
 * - an answer read while any of these happened is not kept (it may predate it).
 * Every other change holds here for at most `ttlMs`; none of them takes sight away.
 * A stream opened on a kept answer registers with the revocations' mark as any
 * other does, so a removal heard after its check still ends it.
 */
import { POST_ACCESS_MAX_ENTRIES, POST_ACCESS_TTL_MS } from "../limits/defaults.ts";
import { type AnyRoomAccess, canSee } from "./access.ts";
import { createPostAccessCache } from "./post-access-cache.ts";
import { GUEST } from "./revocations.ts";

export interface StreamAccessOptions {
  /** The access seam's read (a query, or one shared per turn). */
  read(room: string, user: { id: number } | null): Promise<AnyRoomAccess>;
  ttlMs?: number;
  maxEntries?: number;
}

export function createStreamAccess({
  read,
  ttlMs = POST_ACCESS_TTL_MS,
  maxEntries = POST_ACCESS_MAX_ENTRIES,
}: StreamAccessOptions) {
  const kept = createPostAccessCache<AnyRoomAccess>({ ttlMs, maxEntries });
  /** Moves on with every drop: an answer read across one is not kept. */
  let drops = 0;

  return {
    /** The room as `user` (null: a guest) sees it, for opening a stream of it. */
    async get(room: string, user: { id: number } | null): Promise<AnyRoomAccess> {
      const userId = user?.id ?? GUEST;
      const known = kept.get(room, userId);
      if (known) return known;
      const dropsBefore = drops;
      const found = await read(room, user);
      if (canSee(found) && drops === dropsBefore) kept.set(room, userId, found);
      return found;
    },

    /** Drops one user's answer for a room, or every answer for it. */
    forget(room: string, userId?: number): void {
      drops++;
      kept.forget(room, userId);
    },

    clear(): void {
      drops++;
      kept.clear();
    },

    get size() {
      return kept.size;
    },
  };
}

export type StreamAccess = ReturnType<typeof createStreamAccess>;
