import { describe, expect, test } from "bun:test";
import {
  emptyLog,
  type HistoryPage,
  hasOlder,
  type Message,
  mergeMessages,
  newestSeq,
  withHistoryPage,
  withLiveMessage,
} from "../../client/app/lib/message-log.ts";
import { testMessage } from "../support/entries.ts";

const msg = (seq: number): Message =>
  testMessage(seq, {
    id: 1000 + seq,
    sender: "alice",
    text: `message ${seq}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
  });

/** A page as room.history sends it: newest first. */
const page = (seqs: number[], nextCursor: number | null): HistoryPage => ({
  messages: seqs.map(msg).toReversed(),
  nextCursor,
});
const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);

describe("mergeMessages", () => {
  test("keeps messages oldest first whatever order they arrive in", () => {
    expect(seqs(mergeMessages([], [msg(3), msg(1), msg(2)]))).toEqual([1, 2, 3]);
    expect(seqs(mergeMessages([msg(2), msg(5)], [msg(4), msg(1), msg(6), msg(3)]))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("keeps a seq once, the copy already held", () => {
    const held = msg(2);
    const merged = mergeMessages([msg(1), held, msg(3)], [{ ...msg(2), text: "again" }, msg(3), msg(1)]);
    expect(seqs(merged)).toEqual([1, 2, 3]);
    expect(merged[1]).toBe(held);
  });

  test("returns the same array when nothing is new, so a signal holding it need not notify", () => {
    const held = [msg(1), msg(2)];
    expect(mergeMessages(held, [msg(2), msg(1)])).toBe(held);
  });

  test("never changes the array it was given", () => {
    const held = Object.freeze([msg(1), msg(3)]);
    expect(seqs(mergeMessages(held, [msg(2), msg(4)]))).toEqual([1, 2, 3, 4]);
    expect(seqs(held)).toEqual([1, 3]);
  });
});

describe("withHistoryPage", () => {
  test("the first page sets the cursor for the next older page", () => {
    const log = withHistoryPage(emptyLog, page([51, 52, 53], 51));
    expect(seqs(log.messages)).toEqual([51, 52, 53]);
    expect(log.olderCursor).toBe(51);
    expect(log.loaded).toBe(true);
    expect(hasOlder(log)).toBe(true);
    expect(newestSeq(log)).toBe(53);
  });

  test("older pages go before what is held, until a page says it is the beginning", () => {
    let log = withHistoryPage(emptyLog, page([5, 6], 5));
    log = withHistoryPage(log, page([3, 4], 3));
    expect(seqs(log.messages)).toEqual([3, 4, 5, 6]);
    expect(log.olderCursor).toBe(3);
    log = withHistoryPage(log, page([1, 2], null));
    expect(seqs(log.messages)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.reachedBeginning).toBe(true);
    expect(hasOlder(log)).toBe(false);
  });

  test("an empty room is at its beginning, and resumes its stream after seq 0", () => {
    const log = withHistoryPage(emptyLog, page([], null));
    expect(log.reachedBeginning).toBe(true);
    expect(hasOlder(log)).toBe(false);
    expect(newestSeq(log)).toBe(0);
  });

  test("a page that reaches no further back leaves the cursor where it was", () => {
    let log = withHistoryPage(emptyLog, page([3, 4], 3));
    log = withHistoryPage(log, page([1, 2], 1));
    log = withHistoryPage(log, page([2, 3], 2)); // a stale, overlapping answer
    expect(log.olderCursor).toBe(1);
    expect(seqs(log.messages)).toEqual([1, 2, 3, 4]);
  });

  test("live messages that came in first are kept, and the page's copies of them are not added twice", () => {
    let log = withLiveMessage(emptyLog, msg(10));
    expect(log.loaded).toBe(false);
    expect(hasOlder(log)).toBe(false);
    log = withHistoryPage(log, page([8, 9, 10], 8));
    expect(seqs(log.messages)).toEqual([8, 9, 10]);
    expect(log.olderCursor).toBe(8);
  });
});

describe("withLiveMessage", () => {
  test("appends a newer message and ignores one already shown", () => {
    const log = withHistoryPage(emptyLog, page([1, 2], null));
    const next = withLiveMessage(log, msg(3));
    expect(seqs(next.messages)).toEqual([1, 2, 3]);
    expect(withLiveMessage(next, msg(3))).toBe(next);
    expect(withLiveMessage(next, msg(2))).toBe(next);
  });

  test("a message sent here and the same message from the stream show once", () => {
    let log = withHistoryPage(emptyLog, page([1], null));
    log = withLiveMessage(log, msg(2)); // the mutation's answer
    log = withLiveMessage(log, msg(2)); // the subscription's copy
    expect(seqs(log.messages)).toEqual([1, 2]);
  });
});
