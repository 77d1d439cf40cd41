/** The tab's title counts messages that arrived while the tab was hidden: "(3) #lobby · Parlor". */
import { createEffect, createSignal, onCleanup } from "solid-js";

export const unreadTitle = (title: string, unread: number) => (unread > 0 ? `(${unread}) ${title}` : title);

export function createUnreadTitle(title: string) {
  const [unread, setUnread] = createSignal(0);
  const onVisibility = () => {
    if (!document.hidden) setUnread(0);
  };
  document.addEventListener("visibilitychange", onVisibility);
  onCleanup(() => document.removeEventListener("visibilitychange", onVisibility));
  createEffect(() => {
    document.title = unreadTitle(title, unread());
  });
  return {
    /** Call for each message someone else sent. */
    arrived() {
      if (document.hidden) setUnread((n) => n + 1);
    },
  };
}
