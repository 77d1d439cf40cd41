/**
 * Arriving in a room: where the "New messages" divider goes (above the first
 * message that was unread when the room was opened), older pages fetched
 * (bounded) to reach it, and what the list shows first — the divider, else the
 * newest message; or, for a search result (`?at=<seq>`), that message in
 * context once loaded back to it. The list's DOM is behind `ArrivalView`, so
 * `bun test` drives this with a stand-in.
 */
import { createSignal } from "solid-js";
import type { Message } from "./message-log.ts";
import { firstUnread } from "./timeline.ts";

/** Older pages fetched at most on arrival to reach the first unread message; beyond, the divider sits at the top of what is loaded. */
export const ARRIVAL_PAGES_MAX = 10;

/** What the list does for an arrival; each call happens after the list rendered what changed. */
export interface ArrivalView {
  scrollToBottom(): void;
  /** Scrolls the divider to the top of the list; false if it is not shown. */
  showDivider(): boolean;
  /** Scrolls message `seq` to the middle and marks it as the target. */
  showTarget(seq: number): void;
  /** Loads older pages while the list does not fill the screen. */
  fillViewport(): void;
  /** The page's way to load one older page (keeping the scroll position). */
  loadOlder(): Promise<void>;
  /** Runs `step` once the list shows the current state (a microtask in the page). */
  afterRender(step: () => void): void;
}

export interface ArrivalOptions {
  messages: () => readonly Message[];
  self: () => string | null | undefined;
  /** The reader's marker and unread count from `me.rooms`; undefined for a room that is not theirs. */
  mine: () => { lastReadSeq: number; unread: number } | undefined;
  hasOlder: () => boolean;
  /** Loads older pages until message `seq` is held (room-log.ts); false if it cannot be. */
  loadUntil: (seq: number, loadPage: () => Promise<void>) => Promise<boolean>;
  view: ArrivalView;
}

export function createArrival({ messages, self, mine, hasOlder, loadUntil, view }: ArrivalOptions) {
  /** The marker and newest message seq when the room was opened: the divider marks what was unread then. */
  const [opened, setOpened] = createSignal<{ marker: number; newest: number } | null>(null);

  /** The seq of the message the "New messages" divider sits above; null for none. (Wrap it in a memo to render.) */
  function dividerSeq(): number | null {
    const at = opened();
    if (!at) return null;
    const first = firstUnread(messages(), at.marker, self());
    return first && first.seq <= at.newest ? first.seq : null;
  }

  /** Fixes the divider and loads older pages (bounded) until the first unread message is held; its seq, or null. */
  async function placeDivider(): Promise<number | null> {
    const reader = mine();
    const held = messages();
    if (!reader || held.length === 0) return null;
    setOpened({ marker: reader.lastReadSeq, newest: held[held.length - 1]!.seq });
    if (reader.unread === 0) return dividerSeq();
    for (
      let page = 0;
      page < ARRIVAL_PAGES_MAX && hasOlder() && (messages()[0]?.seq ?? 0) > reader.lastReadSeq + 1;
      page++
    )
      await view.loadOlder();
    return dividerSeq();
  }

  return {
    dividerSeq,
    /**
     * Call once the first history page and `me.rooms` are both in. Shows the
     * first unread message under its divider, else the newest; with `target`
     * (a search result) the newest first, as before — `jump` then shows it —
     * and the divider still marks what is new.
     */
    async arrive(target?: number): Promise<void> {
      if (target !== undefined) {
        view.afterRender(() => {
          view.scrollToBottom();
          view.fillViewport();
        });
        await placeDivider();
        return;
      }
      const divider = await placeDivider();
      view.afterRender(() => {
        if (divider === null || !view.showDivider()) view.scrollToBottom();
        view.fillViewport();
      });
    },
    /** Loads back to message `seq` and shows it in context; nothing if it is not there (deleted since, or past the beginning). */
    async jump(seq: number): Promise<void> {
      if (!(await loadUntil(seq, view.loadOlder))) return;
      view.afterRender(() => view.showTarget(seq));
    },
  };
}

export type Arrival = ReturnType<typeof createArrival>;
