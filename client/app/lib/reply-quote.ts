/**
 * The one-line quote above a reply: who said what it answers, and how it began.
 * The answered message may be older than what the page holds: `createQuoteCache`
 * fetches it alone (one history row) and keeps it current with the live stream.
 */
import { createSignal } from "solid-js";
import { applyChange } from "../../../shared/room-log.ts";
import type { RoomEntry } from "../../../shared/schemas.ts";
import type { Message } from "./message-log.ts";

export const QUOTE_LENGTH = 80;

export type Quote =
  | { state: "loading" }
  | { state: "missing" }
  | { state: "deleted"; sender: string }
  | { state: "shown"; sender: string; text: string };

/** The start of `text` on one line: its first `max` characters (code points), "…" when cut. */
export function quoteText(text: string, max = QUOTE_LENGTH): string {
  const line = text.replace(/\s+/g, " ").trim();
  const chars = [...line];
  return chars.length <= max
    ? line
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}

/** What the quote shows for the answered message: undefined while it is being fetched, null if it cannot be. */
export function quoteOf(target: Message | null | undefined): Quote {
  if (target === undefined) return { state: "loading" };
  if (target === null) return { state: "missing" };
  if (target.deleted) return { state: "deleted", sender: target.sender };
  return { state: "shown", sender: target.sender, text: quoteText(target.text) };
}

/** The words of a quote, e.g. for the composer's "Replying to" line and for tests. */
export function quoteLine(quote: Quote): string {
  switch (quote.state) {
    case "loading":
      return "…";
    case "missing":
      return "a message that cannot be shown";
    case "deleted":
      return "deleted message";
    case "shown":
      return `${quote.sender}: ${quote.text}`;
  }
}

export interface QuoteCacheOptions {
  /** Fetches message `seq` (null when the server has none). */
  load: (seq: number) => Promise<Message | null>;
  /** Answered messages kept at most; the oldest fetched goes first. */
  capacity?: number;
}

/**
 * Answered messages the page does not hold, by seq. Each is fetched once (a
 * failed fetch may be retried by asking again later); live change entries fold
 * into them, so a quote of an older message still shows its edit or delete.
 */
export function createQuoteCache({ load, capacity = 200 }: QuoteCacheOptions) {
  const [held, setHeld] = createSignal<ReadonlyMap<number, Message | null>>(new Map());
  const inFlight = new Set<number>();

  function store(seq: number, message: Message | null) {
    setHeld((current) => {
      const next = new Map(current);
      next.set(seq, message);
      // Insertion order is fetch order: drop the oldest beyond capacity.
      for (const key of next.keys()) {
        if (next.size <= capacity) break;
        next.delete(key);
      }
      return next;
    });
  }

  return {
    /** The answered message: undefined while unknown (and fetches it), null if the server has none. */
    get(seq: number): Message | null | undefined {
      const map = held();
      if (map.has(seq)) return map.get(seq);
      if (!inFlight.has(seq)) {
        inFlight.add(seq);
        load(seq)
          .then((message) => store(seq, message))
          .catch(() => {}) // Left unknown: the quote says "…" and the next render asks again.
          .finally(() => inFlight.delete(seq));
      }
      return undefined;
    },
    /** Folds a live change entry into the answered message it targets, if held here. */
    fold(entry: RoomEntry) {
      if (entry.kind === "message" || entry.kind === "member") return;
      const target = held().get(entry.target);
      if (!target) return;
      const changed = applyChange(target, entry);
      if (changed !== target) store(entry.target, changed);
    },
    /** Sets a message fetched or changed elsewhere (e.g. the answer to one's own change). */
    set: store,
  };
}

export type QuoteCache = ReturnType<typeof createQuoteCache>;
