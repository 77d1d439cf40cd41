/**
 * The newest messages of each room a user opened, kept in the page's own
 * storage so that a reload without a network still shows the room's recent
 * history (the service worker caches only the app itself, never /trpc or /api:
 * answers there belong to one user and go stale).
 *
 * Per user: another account signing in on this browser never sees them, and
 * signing out removes them. Bounded: the newest HISTORY_CACHE_MESSAGES of at
 * most HISTORY_CACHE_ROOMS rooms per user, the least recently saved dropped
 * first (and when storage is full).
 */
import { TRPCClientError } from "@trpc/client";
import type { HistoryPage, MessageLog } from "./message-log.ts";
import type { KeyValueStorage } from "./outbox.ts";

export const HISTORY_CACHE_MESSAGES = 50;
export const HISTORY_CACHE_ROOMS = 20;

const PREFIX = "parlor.history.v1:";
const roomKey = (user: string, room: string) => `${PREFIX}${user}:${room}`;
const indexKey = (user: string) => `${PREFIX}${user}`;

/** Whether a storage key holds `user`'s saved history: the index or a room, listed or not. Usernames have no ':'. */
export const isHistoryKeyOf = (user: string, key: string) =>
  key === indexKey(user) || key.startsWith(roomKey(user, ""));

interface Saved {
  page: HistoryPage;
  /** When the page was saved (ISO-8601): shown as "saved at…". */
  savedAt: string;
}

export interface CachedHistory extends Saved {}

/** The newest messages of `log` as a history page (newest first), with the cursor to what is older. */
export function pageOfLog(log: MessageLog, size = HISTORY_CACHE_MESSAGES): HistoryPage {
  const kept = log.messages.slice(-size);
  const cut = kept.length < log.messages.length;
  const more = cut || (!log.reachedBeginning && log.olderCursor !== null);
  return { messages: kept.slice().reverse(), nextCursor: more && kept.length > 0 ? kept[0]!.seq : null };
}

/** Whether the server said this user may not read the room (any more): its saved copy must go. */
export function deniesAccess(error: unknown): boolean {
  const code: unknown = error instanceof TRPCClientError ? error.data?.code : undefined;
  return code === "FORBIDDEN" || code === "NOT_FOUND" || code === "UNAUTHORIZED";
}

function readJson(storage: KeyValueStorage, key: string): unknown {
  try {
    const raw = storage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function isSaved(value: unknown): value is Saved {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { page?: { messages?: unknown; nextCursor?: unknown }; savedAt?: unknown };
  return (
    typeof v.savedAt === "string" &&
    Array.isArray(v.page?.messages) &&
    (v.page.nextCursor === null || typeof v.page?.nextCursor === "number")
  );
}

/** The rooms saved for a user, least recently saved first. */
function readIndex(storage: KeyValueStorage, user: string): string[] {
  const value = readJson(storage, indexKey(user));
  return Array.isArray(value) ? value.filter((r): r is string => typeof r === "string") : [];
}

export function createHistoryCache(storage: KeyValueStorage, user: string) {
  function writeIndex(rooms: string[]) {
    // No empty index left behind: a drop that comes after the user's copies were forgotten writes nothing back.
    if (rooms.length === 0) storage.removeItem(indexKey(user));
    else storage.setItem(indexKey(user), JSON.stringify(rooms));
  }

  function drop(room: string) {
    storage.removeItem(roomKey(user, room));
    writeIndex(readIndex(storage, user).filter((r) => r !== room));
  }

  return {
    load(room: string): CachedHistory | null {
      const value = readJson(storage, roomKey(user, room));
      return isSaved(value) ? value : null;
    },
    save(room: string, log: MessageLog, now = new Date()): void {
      if (!log.loaded) return;
      const value = JSON.stringify({ page: pageOfLog(log), savedAt: now.toISOString() } satisfies Saved);
      let rooms = [...readIndex(storage, user).filter((r) => r !== room), room];
      while (rooms.length > HISTORY_CACHE_ROOMS) storage.removeItem(roomKey(user, rooms.shift()!));
      // Storage full: drop the least recently saved rooms until this one fits (or none is left to drop).
      for (;;) {
        try {
          storage.setItem(roomKey(user, room), value);
          writeIndex(rooms);
          return;
        } catch {
          const oldest = rooms.find((r) => r !== room);
          if (oldest === undefined) return;
          storage.removeItem(roomKey(user, oldest));
          rooms = rooms.filter((r) => r !== oldest);
        }
      }
    },
    drop,
    /** Removes every room saved for this user (on sign-out). */
    clear(): void {
      for (const room of readIndex(storage, user)) storage.removeItem(roomKey(user, room));
      storage.removeItem(indexKey(user));
    },
  };
}

export type HistoryCache = ReturnType<typeof createHistoryCache>;
