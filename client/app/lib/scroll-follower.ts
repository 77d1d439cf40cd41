/**
 * Chat scrolling: the list follows new messages while the reader is at the
 * bottom; once they scroll up it stays put and counts what arrived below, and
 * inserting older messages above keeps the visible ones where they were.
 */
import { createSignal } from "solid-js";

export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/** Within `threshold` pixels of the end counts as "at the bottom" (sub-pixel scrolling never lands exactly). */
export const isNearBottom = (m: ScrollMetrics, threshold = 48) => m.scrollHeight - m.scrollTop - m.clientHeight <= threshold;
export const isNearTop = (m: ScrollMetrics, threshold = 120) => m.scrollTop <= threshold;

export function createScrollFollower(element: () => HTMLElement | undefined) {
  const [atBottom, setAtBottom] = createSignal(true);
  const [unseen, setUnseen] = createSignal(0);

  function scrollToBottom() {
    const el = element();
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    setAtBottom(true);
    setUnseen(0);
  }

  return {
    atBottom,
    /** Messages that arrived below while the reader was scrolled up. */
    unseen,
    scrollToBottom,
    /** Call from the list's scroll event. */
    onScroll() {
      const el = element();
      if (!el) return;
      const bottom = isNearBottom(el);
      setAtBottom(bottom);
      if (bottom) setUnseen(0);
    },
    /**
     * Call just before a message joins the bottom of the list: measured now, the
     * reader's position cannot be mistaken for a scroll the list did itself.
     * The list then follows (always for one's own message) or counts it for the marker.
     */
    incoming(own = false) {
      const el = element();
      const follow = own || (el ? isNearBottom(el) : atBottom());
      queueMicrotask(() => (follow ? scrollToBottom() : setUnseen((n) => n + 1)));
    },
    /** Runs `insert` (older messages above) without moving what the reader sees. */
    async keepPosition(insert: () => Promise<void>) {
      const el = element();
      const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
      await insert();
      if (el) el.scrollTop = el.scrollHeight - fromBottom;
    },
  };
}
