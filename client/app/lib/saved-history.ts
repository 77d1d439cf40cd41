/**
 * The copy of a room's recent history saved on this device for the signed-in
 * user (history-cache.ts), as the room page uses it: shown, marked with when
 * it was saved, when the first page cannot be fetched; replaced by the fresh
 * page; kept current (a burst of messages writes once, and a pending write is
 * not lost when the page goes); forgotten the moment the server says this user
 * may not read the room — nothing of it is then kept or shown.
 */
import { createSignal } from "solid-js";
import type { CachedHistory } from "./history-cache.ts";
import type { HistoryPage, MessageLog } from "./message-log.ts";
import { realTimers, type Timers } from "./timers.ts";

/** One room's saved copy (history-cache.ts bound to a user and a room). */
export interface SavedHistoryStore {
  load(): CachedHistory | null;
  save(log: MessageLog): void;
  drop(): void;
}

export interface SavedHistoryOptions {
  /** None for a guest: nothing is saved or shown. */
  store?: SavedHistoryStore;
  /** How long after a change the copy is written (a burst of messages writes once). */
  delayMs?: number;
  timers?: Timers;
}

export const SAVE_DELAY_MS = 500;

export function createSavedHistory({ store, delayMs = SAVE_DELAY_MS, timers = realTimers }: SavedHistoryOptions = {}) {
  /** When the log shows the saved copy (the server could not be reached): when it was saved. */
  const [savedAt, setSavedAt] = createSignal<string | null>(null);
  /** Set once the server said this user may not read the room. */
  let denied = false;
  let timer: unknown;
  let latest: MessageLog | null = null;

  function write() {
    timer = undefined;
    if (!denied && latest) store?.save(latest);
  }

  function cancel() {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  return {
    /** Set while the messages shown are the saved copy: when it was saved (ISO-8601). */
    savedAt,
    /** The first page could not be fetched (offline): the saved page to show instead, now marked as shown; null if none. */
    restore(): HistoryPage | null {
      const saved = denied ? null : store?.load();
      if (!saved) return null;
      setSavedAt(saved.savedAt);
      return saved.page;
    },
    /** Fresh history arrived. True if the log held the saved copy: it may be stale (edits, deletes since), so it is replaced, not merged. */
    replaced(): boolean {
      const shown = savedAt() !== null;
      setSavedAt(null);
      return shown;
    },
    /** The log changed: written within `delayMs` — not while it shows the saved copy itself, nor once access was refused. */
    changed(log: MessageLog) {
      if (!store || denied || !log.loaded || savedAt() !== null) return;
      latest = log;
      timer ??= timers.setTimeout(write, delayMs);
    },
    /** The server refused this user the room (no such room for them, removed, signed out): the copy goes. True if it was shown. */
    forget(): boolean {
      denied = true;
      cancel();
      store?.drop();
      const shown = savedAt() !== null;
      setSavedAt(null);
      return shown;
    },
    /** The page goes: a write still pending happens now. */
    dispose() {
      if (timer === undefined) return;
      cancel();
      write();
    },
  };
}

export type SavedHistory = ReturnType<typeof createSavedHistory>;
