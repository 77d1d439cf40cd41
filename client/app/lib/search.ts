/**
 * Searching from the web app: the state of one search box (its results,
 * paging, errors) and the pure helpers that render a hit and link to it.
 * Over one room (`room` set) or every room the user may read.
 */

import type { ParlorClient, RouterOutputs } from "@parlor/client";
import { createSignal } from "solid-js";
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { searchTerms } from "../../../shared/search.ts";
import { roomPath } from "./room-name.ts";

export type SearchHit = RouterOutputs["room"]["search"]["results"][number];

/** A hit's text cut at its highlights: render `marked` parts as <mark>, all of them as text nodes. */
export function highlightSegments(
  text: string,
  ranges: readonly (readonly [number, number])[],
): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

/** The room page showing the message in context: `/room/lobby/?at=12`. */
export const messageHref = (hit: { room: string; seq: number }) => `${roomPath(hit.room)}?at=${hit.seq}`;

const PAGE = 20;

export function createSearch(options: { client: ParlorClient; room?: string; t?: Translate }) {
  const t = options.t ?? english;
  const [results, setResults] = createSignal<SearchHit[]>([]);
  const [cursor, setCursor] = createSignal<number | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  /** The query the results are for; null before the first search. */
  const [searched, setSearched] = createSignal<string | null>(null);
  // Only the latest search's answer counts: an earlier, slower one is dropped.
  let generation = 0;

  async function fetchPage(query: string, before: number | undefined, append: boolean) {
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const page = await options.client.room.search.query({ query, room: options.room, before, limit: PAGE });
      if (mine !== generation) return;
      setResults((r) => (append ? [...r, ...page.results] : page.results));
      setCursor(page.nextCursor);
      setSearched(query);
    } catch (e) {
      if (mine === generation) setError(e instanceof Error ? e.message : t("searchBox.failed"));
    } finally {
      if (mine === generation) setLoading(false);
    }
  }

  return {
    results,
    loading,
    error,
    searched,
    hasMore: () => cursor() !== null,
    /** Starts a search; a query without a word says so and asks nothing of the server. */
    search(query: string) {
      const q = query.trim();
      if (searchTerms(q).length === 0) {
        generation++;
        setResults([]);
        setCursor(null);
        setSearched(null);
        setError(q ? t("searchBox.noWord") : null);
        return Promise.resolve();
      }
      return fetchPage(q, undefined, false);
    },
    /** The next (older) page of the same search. */
    more() {
      const q = searched();
      const before = cursor();
      if (q === null || before === null || loading()) return Promise.resolve();
      return fetchPage(q, before, true);
    },
    clear() {
      generation++;
      setResults([]);
      setCursor(null);
      setSearched(null);
      setError(null);
      setLoading(false);
    },
  };
}
