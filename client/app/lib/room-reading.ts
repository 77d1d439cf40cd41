/**
 * The read marker moved as messages are actually seen: the page visible and
 * the message on screen (seen-on-screen.ts reports which), throttled by the
 * shared read marker. The marker the server holds comes from `me.rooms`, so
 * another tab's reading moves it here too. Only a member's reading is marked.
 */
import { createReadMarker, type MarkerTimers } from "../../../shared/read-marker.ts";

/** Whether the page is seen at all (`document.visibilityState` in the browser), and when that changes. */
export interface PageVisibility {
  visible(): boolean;
  /** Calls `listener` on each change; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export interface RoomReadingOptions {
  /** Stores the marker: `room.markRead`. */
  markRead: (seq: number) => Promise<unknown>;
  /** The marker the server holds (from `me.rooms`); undefined while the room is not the reader's. */
  lastRead: () => number | undefined;
  visibility: PageVisibility;
  timers?: MarkerTimers;
}

/** The page shows a message read as soon as it is seen, then at most twice a second. */
const MARK_INTERVAL_MS = 500;

export function createRoomReading({ markRead, lastRead, visibility, timers }: RoomReadingOptions) {
  const marker = createReadMarker({
    markRead,
    initial: lastRead() ?? 0,
    intervalMs: MARK_INTERVAL_MS,
    leading: true,
    ...(timers ? { timers } : {}),
  });
  /** Seqs of the messages on screen now. */
  const onScreen = new Set<number>();

  function report() {
    if (!visibility.visible() || lastRead() === undefined || onScreen.size === 0) return;
    marker.seen(Math.max(...onScreen));
  }
  const stopWatching = visibility.onChange(report);

  return {
    /** Message `seq` came on screen (`true`) or left it. */
    sighted(seq: number, shown: boolean) {
      if (shown) onScreen.add(seq);
      else onScreen.delete(seq);
    },
    /** Call after a batch of sightings: the highest seq on screen is marked, if the page is seen and the room is the reader's. */
    report,
    /**
     * `me.rooms` changed: a marker moved elsewhere (another tab, another
     * device) needs nothing sent from here; becoming a member may make what is
     * on screen markable.
     */
    roomsChanged() {
      const held = lastRead();
      if (held === undefined) return;
      marker.known(held);
      report();
    },
    /** Leaving the room: what was seen and not yet sent goes now. */
    dispose() {
      stopWatching();
      void marker.dispose();
    },
  };
}

export type RoomReading = ReturnType<typeof createRoomReading>;
