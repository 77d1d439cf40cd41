/**
 * Which messages of a list are on screen, for the read marker: an
 * IntersectionObserver on each `.message[data-seq]` child (watched as they
 * come and go), half of a message counting as seen. DOM only; the Playwright
 * unread suite covers it.
 */
export interface Sightings {
  sighted(seq: number, shown: boolean): void;
  report(): void;
}

const MESSAGE = ".message[data-seq]";

/** Watches `root`'s messages and tells `sightings`; returns the stop. Nothing where IntersectionObserver is missing. */
export function watchSeenMessages(root: HTMLElement, sightings: Sightings): () => void {
  if (typeof IntersectionObserver === "undefined") return () => {};
  const seqOf = (el: Element) => Number((el as HTMLElement).dataset.seq);
  const intersection = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const seq = seqOf(entry.target);
        if (!Number.isFinite(seq)) continue;
        // Half of it on screen, or (a message taller than the list) half the list's height.
        const seen =
          entry.isIntersecting &&
          (entry.intersectionRatio >= 0.5 ||
            entry.intersectionRect.height >= (entry.rootBounds?.height ?? Infinity) / 2);
        sightings.sighted(seq, seen);
      }
      sightings.report();
    },
    { root, threshold: [0, 0.5, 1] },
  );
  const watch = (node: Node) => {
    if (node instanceof HTMLElement && node.matches(MESSAGE)) intersection.observe(node);
  };
  const unwatch = (node: Node) => {
    if (node instanceof HTMLElement && node.matches(MESSAGE)) {
      intersection.unobserve(node);
      sightings.sighted(seqOf(node), false);
    }
  };
  root.querySelectorAll(MESSAGE).forEach(watch);
  const mutations = new MutationObserver((records) => {
    for (const record of records) {
      record.addedNodes.forEach(watch);
      record.removedNodes.forEach(unwatch);
    }
  });
  mutations.observe(root, { childList: true });
  return () => {
    intersection.disconnect();
    mutations.disconnect();
  };
}

/** The browser's page visibility. */
export const documentVisibility = {
  visible: () => document.visibilityState === "visible",
  onChange(listener: () => void) {
    document.addEventListener("visibilitychange", listener);
    return () => document.removeEventListener("visibilitychange", listener);
  },
};
