/**
 * The room page's scrolling list of messages, as the page's state sees it:
 * the element (set by the Timeline component), following new messages
 * (scroll-follower.ts), loading older pages when scrolled to the top or when
 * the list does not fill the screen, and finding, showing and focusing a
 * message's element. The DOM side of arrival.ts's view.
 */
import type { ArrivalView } from "./arrival.ts";
import { createScrollFollower, isNearTop } from "./scroll-follower.ts";

/** The part of the room log the list loads older pages from. */
export interface ListLog {
  hasOlder(): boolean;
  loadingOlder(): boolean;
  loadOlder(): Promise<void>;
}

export function createRoomList(log: () => ListLog | undefined) {
  let element: HTMLElement | undefined;
  const follower = createScrollFollower(() => element);

  const messageElement = (seq: number) =>
    element?.querySelector<HTMLElement>(`.message[data-seq="${seq}"]`) ?? undefined;
  const canLoadOlder = () => {
    const l = log();
    return l?.hasOlder() && !l.loadingOlder();
  };

  /** One older page, keeping what the reader sees in place; then the screen filled. */
  async function loadOlder(): Promise<void> {
    const l = log();
    if (!l) return;
    await follower.keepPosition(() => l.loadOlder());
    fillViewport();
  }

  /** A page that does not fill the screen cannot be scrolled up: fetch older pages until it does. */
  function fillViewport() {
    if (element && element.scrollHeight <= element.clientHeight && canLoadOlder()) void loadOlder();
  }

  const view: ArrivalView = {
    scrollToBottom: () => follower.scrollToBottom(),
    showDivider() {
      const line = element?.querySelector<HTMLElement>(".unread-divider");
      if (!element || !line) return false;
      element.scrollTop += line.getBoundingClientRect().top - element.getBoundingClientRect().top - 8;
      follower.onScroll();
      return true;
    },
    showTarget(seq) {
      const target = messageElement(seq);
      if (!target) return;
      for (const old of element!.querySelectorAll(".message.target")) old.classList.remove("target");
      target.classList.add("target");
      target.scrollIntoView({ block: "center" });
    },
    fillViewport,
    loadOlder,
    afterRender: (step) => queueMicrotask(step),
  };

  return {
    follower,
    view,
    loadOlder,
    /** The Timeline's element. */
    attach(el: HTMLElement) {
      element = el;
    },
    element: () => element,
    /** The list's scroll event: follow or not, and older messages near the top. */
    onScroll() {
      follower.onScroll();
      if (element && isNearTop(element) && canLoadOlder()) void loadOlder();
    },
    /** Brings message `seq` into view and focuses it; false if it is not on the page. */
    show(seq: number): boolean {
      const el = messageElement(seq);
      el?.scrollIntoView({ block: "center" });
      el?.focus({ preventScroll: true });
      return el !== undefined;
    },
    focus: (seq: number) => messageElement(seq)?.focus({ preventScroll: true }),
  };
}

export type RoomList = ReturnType<typeof createRoomList>;
