/**
 * Chat scrolling: the list follows new messages while the reader is at the
 * bottom; once they scroll up it stays put and counts what arrived below, and
 * inserting older messages above keeps the visible ones where they were, as
 * does a message changing in place (an edit, a delete, a reaction).
 */
import { createSignal } from "solid-js";

export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/** Within `threshold` pixels of the end counts as "at the bottom" (sub-pixel scrolling never lands exactly). */
export const isNearBottom = (m: ScrollMetrics, threshold = 48) =>
  m.scrollHeight - m.scrollTop - m.clientHeight <= threshold;
export const isNearTop = (m: ScrollMetrics, threshold = 120) => m.scrollTop <= threshold;

/** The first item of the list (an element with `data-seq`) that shows at least partly: what the reader is looking at. */
function firstVisible(list: HTMLElement): HTMLElement | undefined {
  const top = list.getBoundingClientRect().top;
  for (const item of list.querySelectorAll<HTMLElement>("[data-seq]")) {
    if (item.getBoundingClientRect().bottom > top) return item;
  }
  return undefined;
}

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
    /**
     * Runs `change`, which updates a message in place (its height may change),
     * so that the reader sees no jump: at the bottom the list stays at the
     * bottom; scrolled up, the message at the top of the view stays where it is.
     * Not an arrival: nothing is counted as new. `change` must update the DOM
     * before it returns (a Solid signal set outside a batch does).
     */
    inPlace(change: () => void) {
      const el = element();
      if (!el) return change();
      if (isNearBottom(el)) {
        change();
        el.scrollTop = el.scrollHeight;
        return;
      }
      const anchor = firstVisible(el);
      const before = anchor?.getBoundingClientRect().top ?? 0;
      change();
      // Measured after the change: right whether or not the browser's own scroll anchoring moved it already.
      if (anchor?.isConnected) el.scrollTop += anchor.getBoundingClientRect().top - before;
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
