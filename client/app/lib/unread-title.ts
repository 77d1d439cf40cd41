/**
 * The tab's title counts what is unread: "(3) #lobby · Parlor". Signed in, the
 * count is the total over your rooms from `me.rooms` (`total`); a room that is
 * not one of yours (a guest reading) adds what arrived while the tab was hidden.
 */
import { createEffect, createSignal, onCleanup } from "solid-js";

export const unreadTitle = (title: string, unread: number) => (unread > 0 ? `(${unread}) ${title}` : title);

/** `title` may change (a direct conversation is named once its members are known). */
export function createUnreadTitle(title: string | (() => string), total: () => number | null = () => null) {
  const base = typeof title === "function" ? title : () => title;
  const [arrivedHidden, setArrivedHidden] = createSignal(0);
  const onVisibility = () => {
    if (!document.hidden) setArrivedHidden(0);
  };
  document.addEventListener("visibilitychange", onVisibility);
  onCleanup(() => document.removeEventListener("visibilitychange", onVisibility));
  createEffect(() => {
    document.title = unreadTitle(base(), (total() ?? 0) + arrivedHidden());
  });
  return {
    /** Call for each message someone else sent in a room `total` does not count. */
    arrived() {
      if (document.hidden) setArrivedHidden((n) => n + 1);
    },
  };
}
