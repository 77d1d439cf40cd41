/**
 * The timeline's focus order as a WAI-ARIA feed (feed-keys.ts has the keys):
 * one message is the Tab stop (the newest, or the last one focused: a roving
 * tabindex), each carries aria-posinset / aria-setsize, and the controls inside
 * a message (its actions, links, reactions) leave the Tab order until Enter
 * opens it — so Tab goes from the timeline to the composer in one step, not
 * thirty. Esc, or the focus leaving the message, closes it again.
 *
 * It works on the DOM the components render (any `<article>` child of the
 * feed), re-applied when the feed's children change, so a message component
 * needs to know nothing of it.
 */
import { feedKey } from "./feed-keys.ts";

const CONTROLS =
  'a[href], button, input, select, textarea, summary, audio[controls], video[controls], [tabindex]:not([tabindex="-1"])';
/** Where a control's own tabindex waits while its message is closed ("" for none). */
const SAVED = "data-feed-tabindex";
const OPEN = "data-actions-open";

export interface FeedFocusOptions {
  /** Whether every message of the room is loaded (aria-setsize is then the count, else -1: unknown). */
  complete: () => boolean;
}

/** Manages `feed`'s focus order until the returned function is called. */
export function attachFeedFocus(feed: HTMLElement, options: FeedFocusOptions): () => void {
  let current: HTMLElement | null = null;
  const articles = () => [...feed.querySelectorAll<HTMLElement>(":scope > article")];

  function close(article: HTMLElement) {
    article.removeAttribute(OPEN);
    for (const control of article.querySelectorAll<HTMLElement>(CONTROLS)) {
      // A code block that scrolls sideways stays a Tab stop: the keyboard must be able to scroll it.
      if (control.localName === "pre") continue;
      if (!control.hasAttribute(SAVED)) control.setAttribute(SAVED, control.getAttribute("tabindex") ?? "");
      control.setAttribute("tabindex", "-1");
    }
  }

  function open(article: HTMLElement) {
    article.setAttribute(OPEN, "");
    for (const control of article.querySelectorAll<HTMLElement>(`[${SAVED}]`)) {
      const saved = control.getAttribute(SAVED);
      control.removeAttribute(SAVED);
      if (saved) control.setAttribute("tabindex", saved);
      else control.removeAttribute("tabindex");
    }
    // The toolbar's first action (Reply), else the first control of the message.
    (
      article.querySelector<HTMLElement>(`[role="toolbar"] button`) ?? article.querySelector<HTMLElement>(CONTROLS)
    )?.focus();
  }

  function sync() {
    const all = articles();
    if (!current?.isConnected || current.parentElement !== feed) current = all.at(-1) ?? null;
    // A feed owns articles: an empty one is refused (ARIA, axe), so until a message shows the timeline is a named region.
    feed.setAttribute("role", all.length > 0 ? "feed" : "region");
    const size = options.complete() ? String(all.length) : "-1";
    all.forEach((article, i) => {
      article.setAttribute("tabindex", article === current ? "0" : "-1");
      article.setAttribute("aria-posinset", String(i + 1));
      article.setAttribute("aria-setsize", size);
      if (!article.hasAttribute(OPEN)) close(article);
    });
  }

  const articleOf = (node: EventTarget | null): HTMLElement | null => {
    const found = node instanceof Element ? node.closest("article") : null;
    return found instanceof HTMLElement && found.parentElement === feed ? found : null;
  };

  function onFocusIn(event: FocusEvent) {
    const article = articleOf(event.target);
    if (!article || article === current) return;
    current = article;
    sync();
  }

  function onFocusOut(event: FocusEvent) {
    const article = articleOf(event.target);
    if (article?.hasAttribute(OPEN) && !article.contains(event.relatedTarget as Node | null)) close(article);
  }

  /** The first control outside the feed, before or after it in the page's order. */
  function outside(to: "before" | "after"): HTMLElement | undefined {
    const controls = [...document.querySelectorAll<HTMLElement>(CONTROLS)].filter(
      (el) => !feed.contains(el) && el.tabIndex >= 0 && el.offsetParent !== null,
    );
    const follows = (el: HTMLElement) => (feed.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    return to === "after" ? controls.find(follows) : controls.filter((el) => !follows(el)).at(-1);
  }

  function onKeyDown(event: KeyboardEvent) {
    const article = articleOf(event.target);
    if (!article) return;
    if (event.key === "Escape" && article.hasAttribute(OPEN)) {
      event.preventDefault();
      close(article);
      article.focus();
      return;
    }
    // Keys pressed inside the message's own controls are theirs (a picker's arrows, a button's Enter).
    if (event.target !== article) return;
    const all = articles();
    const move = feedKey(event, all.indexOf(article), all.length);
    if (!move) return;
    event.preventDefault();
    if (move.kind === "open") open(article);
    else if (move.kind === "leave") outside(move.to)?.focus();
    else {
      const next = all[move.index]!;
      next.focus();
      next.scrollIntoView({ block: "nearest" });
    }
  }

  const observer = new MutationObserver(sync);
  observer.observe(feed, { childList: true, subtree: true });
  feed.addEventListener("focusin", onFocusIn);
  feed.addEventListener("focusout", onFocusOut);
  feed.addEventListener("keydown", onKeyDown);
  sync();
  return () => {
    observer.disconnect();
    feed.removeEventListener("focusin", onFocusIn);
    feed.removeEventListener("focusout", onFocusOut);
    feed.removeEventListener("keydown", onKeyDown);
  };
}
