/**
 * What the room page lists: its messages and, between them, the membership
 * notices that arrived on the live stream ("ben joined"), in log order. The
 * items are the very objects held (a message, a member entry), so a keyed
 * list re-renders only what changed. History pages carry messages only: a
 * notice shows for changes seen live or replayed on resume.
 */

import type { MemberEntry } from "../../../shared/room-log.ts";
import { type TimelineOptions, type TimelinePlace, timelinePlaces } from "./message-groups.ts";
import type { Message } from "./message-log.ts";

export type TimelineItem = Message | MemberEntry;

export const isNotice = (item: TimelineItem): item is MemberEntry => "kind" in item && item.kind === "member";

/** At most this many notices are kept: a busy room's joins and leaves cannot grow the page without bound. */
export const MAX_NOTICES = 200;

/** `notices` with `entry` added in seq order; a seq already held is kept once; the oldest go past `max`. */
export function withNotice(
  notices: readonly MemberEntry[],
  entry: MemberEntry,
  max = MAX_NOTICES,
): readonly MemberEntry[] {
  if (notices.some((n) => n.seq === entry.seq)) return notices;
  const next = [...notices, entry].sort((a, b) => a.seq - b.seq);
  return next.length > max ? next.slice(next.length - max) : next;
}

/**
 * Messages and notices merged by seq. A notice older than the oldest message
 * held waits until older history reaches it (`reachedBeginning`), so it never
 * shows above messages that are not loaded yet.
 */
export function mergeTimeline(
  messages: readonly Message[],
  notices: readonly MemberEntry[],
  reachedBeginning: boolean,
): readonly TimelineItem[] {
  if (notices.length === 0) return messages;
  const oldest = messages[0]?.seq ?? Number.POSITIVE_INFINITY;
  const shown = reachedBeginning ? notices : notices.filter((n) => n.seq > oldest);
  const out: TimelineItem[] = [];
  let i = 0;
  for (const m of messages) {
    while (i < shown.length && shown[i]!.seq < m.seq) out.push(shown[i++]!);
    out.push(m);
  }
  while (i < shown.length) out.push(shown[i++]!);
  return out;
}

/**
 * Where each item of the merged timeline sits (message-groups.ts), by seq:
 * laid out over messages and notices together, so a day's divider goes above
 * the first thing of that day, whichever it is, and a notice splits a group.
 */
export function placesBySeq(items: readonly TimelineItem[], options?: TimelineOptions): Map<number, TimelinePlace> {
  const places = timelinePlaces(
    items.map((item) =>
      isNotice(item) ? { sender: null, timestamp: item.at } : { sender: item.sender, timestamp: item.timestamp },
    ),
    options,
  );
  return new Map(items.map((item, i) => [item.seq, places[i]!]));
}

/**
 * The first message the reader has not read: after their marker, sent by
 * someone else, not deleted. The "New messages" divider goes above it; null
 * when there is none among `messages`.
 */
export function firstUnread(
  messages: readonly Message[],
  lastReadSeq: number,
  self: string | null | undefined,
): Message | null {
  for (const m of messages) {
    if (m.seq > lastReadSeq && m.sender !== self && !m.deleted) return m;
  }
  return null;
}
