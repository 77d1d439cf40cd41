/**
 * A room's messages as the page holds them: oldest first, one entry per seq,
 * whatever order history pages and live events arrive in. Pure functions over
 * an immutable value, so `bun test` covers them and a Solid signal can hold it.
 */

import type { RouterOutputs } from "@parlor/client";
import { applyChange } from "../../../shared/room-log.ts";
import type { RoomEntry } from "../../../shared/schemas.ts";

export type HistoryPage = RouterOutputs["room"]["history"];
export type Message = HistoryPage["messages"][number];

export interface MessageLog {
  /** Oldest first, strictly increasing seq. */
  readonly messages: readonly Message[];
  /** `before` for the next older page; null once the beginning is reached or before the first page. */
  readonly olderCursor: number | null;
  /** True once a page said there is nothing older. */
  readonly reachedBeginning: boolean;
  /** Whether any history page has been merged yet. */
  readonly loaded: boolean;
}

export const emptyLog: MessageLog = Object.freeze({
  messages: [],
  olderCursor: null,
  reachedBeginning: false,
  loaded: false,
});

/** Index of the first message with `seq >= target` (binary search over a sorted list). */
function lowerBound(messages: readonly Message[], target: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.seq < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `messages` with `incoming` merged in, oldest first; a seq already present is kept once. */
export function mergeMessages(messages: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  let result = messages;
  let copied = false;
  for (const m of incoming) {
    const last = result[result.length - 1];
    // The common case, a live message newer than all we hold, appends.
    const at = last === undefined || m.seq > last.seq ? result.length : lowerBound(result, m.seq);
    if (result[at]?.seq === m.seq) continue;
    if (!copied) {
      result = result.slice();
      copied = true;
    }
    (result as Message[]).splice(at, 0, m);
  }
  return result;
}

/** Merges a page of `room.history` (newest first, as the server sends it). */
export function withHistoryPage(log: MessageLog, page: HistoryPage): MessageLog {
  const oldestHeld = log.messages[0]?.seq;
  const pageOldest = page.messages[page.messages.length - 1]?.seq;
  // Only a page reaching further back than what we hold moves the cursor.
  const extendsBack =
    !log.loaded || (pageOldest !== undefined && (oldestHeld === undefined || pageOldest < oldestHeld));
  return {
    messages: mergeMessages(log.messages, page.messages.slice().reverse()),
    olderCursor: extendsBack ? page.nextCursor : log.olderCursor,
    reachedBeginning: extendsBack ? page.nextCursor === null : log.reachedBeginning,
    loaded: true,
  };
}

/** Merges one message from the live subscription. */
export function withLiveMessage(log: MessageLog, message: Message): MessageLog {
  const messages = mergeMessages(log.messages, [message]);
  return messages === log.messages ? log : { ...log, messages };
}

/**
 * Folds one entry of the live stream into the log: a new message joins it; an
 * edit, delete or reaction replaces its target in place (a target older than
 * what is loaded is left for the history page that brings it, in its current state).
 * Folding is idempotent, so resuming after the newest message of a history page
 * (whose messages already show the changes since) ends in the same state.
 */
export function withLiveEntry(log: MessageLog, entry: RoomEntry): MessageLog {
  if (entry.kind === "message") return withLiveMessage(log, entry.message);
  if (entry.kind === "member") return log;
  const at = lowerBound(log.messages, entry.target);
  const target = log.messages[at];
  if (target?.seq !== entry.target) return log;
  const changed = applyChange(target, entry);
  if (changed === target) return log;
  const messages = log.messages.slice();
  messages[at] = changed;
  return { ...log, messages };
}

/** The message with seq `seq`, if the log holds it. */
export function findMessage(log: MessageLog, seq: number): Message | undefined {
  const found = log.messages[lowerBound(log.messages, seq)];
  return found?.seq === seq ? found : undefined;
}

/** The seq to resume the live stream after: the newest message held, 0 for an empty room. */
export function newestSeq(log: MessageLog): number {
  return log.messages[log.messages.length - 1]?.seq ?? 0;
}

/** Whether an older page can still be asked for. */
export function hasOlder(log: MessageLog): boolean {
  return log.loaded && !log.reachedBeginning && log.olderCursor !== null;
}
