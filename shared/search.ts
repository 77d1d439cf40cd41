/**
 * Searching messages: the input, the result, and how a query becomes words.
 * Shared by the server (which sends the words to the database) and by clients
 * (which may show the same words). A query is only ever text: it is cut into
 * words here, and no character of it reaches the database as query syntax.
 * The last word of a query also matches as a prefix ("depl" finds "deploy"):
 * people search as they type.
 */
import { z } from "zod";
import { Message, RoomName } from "./schemas.ts";

export const SEARCH_QUERY_MAX = 200;
export const SEARCH_TERMS_MAX = 8;
export const SEARCH_PAGE_MAX = 50;

/**
 * A word is a run of letters, digits and combining marks (what SQLite's
 * unicode61 tokenizer and PostgreSQL's 'simple' parser both call a word),
 * compared case-insensitively.
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The distinct words of `text`, lower-cased, in order. `"Lunch on Tuesday? lunch!"` → `["lunch", "on", "tuesday"]`. */
export function searchTerms(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(WORD), (m) => m[0].toLowerCase()))];
}

/**
 * Where `terms` occur in `text`: `[start, end)` ranges in UTF-16 code units, as
 * `text.slice(start, end)` takes them, in order. Whole words, except the last
 * term, which also marks the words it begins (as the search matched them):
 * `highlightRanges("deploy it", ["depl"])` → `[[0, 6]]`.
 */
export function highlightRanges(text: string, terms: readonly string[]): [number, number][] {
  const wanted = new Set(terms);
  const prefix = terms.at(-1);
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0].toLowerCase();
    if (wanted.has(word) || (prefix !== undefined && word.startsWith(prefix)))
      ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}

export const SearchInput = z.object({
  query: z
    .string({ error: "'query' is the text to search for." })
    .max(SEARCH_QUERY_MAX, `A search has at most ${SEARCH_QUERY_MAX} characters.`)
    .refine((q) => searchTerms(q).length > 0, "A search needs at least one word (letters or digits).")
    .refine(
      (q) => searchTerms(q).length <= SEARCH_TERMS_MAX,
      `A search has at most ${SEARCH_TERMS_MAX} different words.`,
    ),
  /** Only this room (which the caller must be able to read); unset: every room they can read. */
  room: RoomName.optional(),
  /** Only messages older than this one: the `nextCursor` of the previous page (a message `id`). */
  before: z.number().int().min(1, "'before' is a message id, 1 or more.").optional(),
  limit: z.number().int().min(1).max(SEARCH_PAGE_MAX, `'limit' is at most ${SEARCH_PAGE_MAX}.`).default(20),
});
export type SearchInput = z.input<typeof SearchInput>;

/** A message that matched, in its current state, with where its text matched. */
export const SearchHit = Message.extend({
  /** `[start, end)` of each matched word in `text` (UTF-16 code units). `text` itself is plain text, never markup. */
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchPage = z.object({
  /** Newest first. */
  results: z.array(SearchHit),
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextCursor: z.number().int().nullable(),
});
export type SearchPage = z.infer<typeof SearchPage>;
