/**
 * The room page's primitives that need no server: the saved copy of the
 * history (saved-history.ts), arrival and jumps (arrival.ts) and the read
 * marker as messages are seen (room-reading.ts), each with in-memory
 * stand-ins for the browser's storage, timers, page visibility and list.
 */
import { describe, expect, test } from "bun:test";
import { createSignal } from "solid-js";
import { type ArrivalView, createArrival } from "../../client/app/lib/arrival.ts";
import type { CachedHistory } from "../../client/app/lib/history-cache.ts";
import { emptyLog, type Message, type MessageLog, withHistoryPage } from "../../client/app/lib/message-log.ts";
import { createRoomReading } from "../../client/app/lib/room-reading.ts";
import { createSavedHistory } from "../../client/app/lib/saved-history.ts";
import type { Timers } from "../../client/app/lib/timers.ts";
import { testMessage } from "../support/entries.ts";

/** Timers on a clock moved by hand. */
function manualClock() {
  let now = 0;
  const pending: { run: () => void; at: number }[] = [];
  const timers: Timers & { now(): number } = {
    setTimeout(run, ms) {
      const t = { run, at: now + ms };
      pending.push(t);
      return t;
    },
    clearTimeout(t) {
      const at = pending.indexOf(t as (typeof pending)[number]);
      if (at >= 0) pending.splice(at, 1);
    },
    now: () => now,
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of pending.filter((t) => t.at <= now)) {
      pending.splice(pending.indexOf(t), 1);
      t.run();
    }
  };
  return { timers, advance, pending };
}

const logOf = (...seqs: number[]): MessageLog =>
  withHistoryPage(emptyLog, {
    messages: seqs.map((seq) => testMessage(seq)).reverse(),
    nextCursor: seqs[0] === 1 ? null : (seqs[0] ?? null),
  });

describe("createSavedHistory", () => {
  function harness(copy: CachedHistory | null = null) {
    const clock = manualClock();
    const writes: number[][] = [];
    let drops = 0;
    const store = {
      load: () => copy,
      save: (log: MessageLog) => void writes.push(log.messages.map((m) => m.seq)),
      drop: () => void drops++,
    };
    const saved = createSavedHistory({ store, delayMs: 500, timers: clock.timers });
    return { saved, writes, drops: () => drops, clock };
  }

  test("a burst of changes is written once, after the delay, as the latest log", () => {
    const { saved, writes, clock } = harness();
    saved.changed(logOf(1));
    saved.changed(logOf(1, 2));
    saved.changed(logOf(1, 2, 3));
    clock.advance(499);
    expect(writes).toEqual([]);
    clock.advance(1);
    expect(writes).toEqual([[1, 2, 3]]);
    saved.changed(emptyLog); // nothing loaded yet: nothing to save
    clock.advance(1_000);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  test("offline: the saved page is restored and marked with when it was saved; the copy shown is not written back; the fresh page replaces it", () => {
    const { saved, writes, clock } = harness({
      page: { messages: [testMessage(2), testMessage(1)], nextCursor: null },
      savedAt: "2026-12-01T10:00:00.000Z",
    });
    const page = saved.restore();
    expect(page?.messages.map((m) => m.seq)).toEqual([2, 1]);
    expect(saved.savedAt()).toBe("2026-12-01T10:00:00.000Z");
    saved.changed(withHistoryPage(emptyLog, page!));
    clock.advance(1_000);
    expect(writes).toEqual([]);
    expect(saved.replaced()).toBe(true);
    expect(saved.savedAt()).toBeNull();
    expect(saved.replaced()).toBe(false);
    saved.changed(logOf(1, 2, 3));
    clock.advance(500);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  test("a refusal drops the copy, cancels a pending write and stops writing; it says whether the copy was shown", () => {
    const { saved, writes, drops, clock } = harness({
      page: { messages: [testMessage(1)], nextCursor: null },
      savedAt: "2026-12-01T10:00:00.000Z",
    });
    saved.restore();
    expect(saved.forget()).toBe(true);
    expect(drops()).toBe(1);
    expect(saved.savedAt()).toBeNull();
    saved.changed(logOf(1, 2));
    clock.advance(1_000);
    saved.dispose();
    expect(writes).toEqual([]);
    expect(saved.restore()).toBeNull();
    expect(saved.forget()).toBe(false);
  });

  test("leaving the page writes a pending change at once", () => {
    const { saved, writes, clock } = harness();
    saved.changed(logOf(1, 2));
    saved.dispose();
    expect(writes).toEqual([[1, 2]]);
    expect(clock.pending).toEqual([]);
  });
});

describe("createArrival", () => {
  /** A room of `seqs` held, older pages of 2 down to seq 1; a list that records what it was asked to do. */
  function harness(
    held: number[],
    mine: { lastReadSeq: number; unread: number } | undefined,
    { dividerShown = true } = {},
  ) {
    const done: string[] = [];
    const [messages, setMessages] = createSignal<readonly Message[]>(
      held.map((seq) => testMessage(seq, { sender: "ann" })),
    );
    const hasOlder = () => (messages()[0]?.seq ?? 1) > 1;
    const loadOlder = async () => {
      const oldest = messages()[0]!.seq;
      const page = [oldest - 2, oldest - 1].filter((s) => s >= 1).map((seq) => testMessage(seq));
      done.push(`older ${page.map((m) => m.seq).join(",")}`);
      setMessages((m) => [...page, ...m]);
    };
    const view: ArrivalView = {
      scrollToBottom: () => void done.push("bottom"),
      showDivider: () => (done.push("divider"), dividerShown),
      showTarget: (seq) => void done.push(`target ${seq}`),
      fillViewport: () => void done.push("fill"),
      loadOlder,
      afterRender: (step) => step(),
    };
    const loadUntil = async (seq: number, loadPage: () => Promise<void>) => {
      while (!messages().some((m) => m.seq === seq)) {
        if (!hasOlder()) return false;
        await loadPage();
      }
      return true;
    };
    const arrival = createArrival({ messages, self: () => "me", mine: () => mine, hasOlder, loadUntil, view });
    return { arrival, done, setMessages };
  }

  test("the divider goes above the first message unread on arrival, loading older pages back to it, and the list shows it", async () => {
    const { arrival, done } = harness([7, 8, 9], { lastReadSeq: 4, unread: 5 });
    await arrival.arrive();
    expect(arrival.dividerSeq()).toBe(5);
    expect(done).toEqual(["older 5,6", "divider", "fill"]);
  });

  test("nothing unread: no divider, the newest message shows", async () => {
    const { arrival, done } = harness([7, 8, 9], { lastReadSeq: 9, unread: 0 });
    await arrival.arrive();
    expect(arrival.dividerSeq()).toBeNull();
    expect(done).toEqual(["bottom", "fill"]);
  });

  test("messages arriving after the room was opened are not under the divider; a room that is not yours has none", async () => {
    const mine = harness([1, 2], { lastReadSeq: 2, unread: 0 });
    await mine.arrival.arrive();
    mine.setMessages((m) => [...m, testMessage(3, { sender: "ben" })]);
    expect(mine.arrival.dividerSeq()).toBeNull();
    const guest = harness([1, 2], undefined);
    await guest.arrival.arrive();
    expect(guest.arrival.dividerSeq()).toBeNull();
    expect(guest.done).toEqual(["bottom", "fill"]);
  });

  test("a search result: the newest first, then loaded back to the message, which is shown as the target", async () => {
    const { arrival, done } = harness([7, 8, 9], { lastReadSeq: 9, unread: 0 });
    await arrival.arrive(3);
    await arrival.jump(3);
    expect(done).toEqual(["bottom", "fill", "older 5,6", "older 3,4", "target 3"]);
  });

  test("a jump loads back to an older message and shows it; one the room does not have shows nothing", async () => {
    const { arrival, done } = harness([2, 3], undefined);
    await arrival.jump(1);
    await arrival.jump(40);
    expect(done).toEqual(["older 1", "target 1"]);
  });
});

describe("createRoomReading", () => {
  function harness(lastRead: number | undefined) {
    const clock = manualClock();
    const calls: number[] = [];
    let visible = true;
    const listeners = new Set<() => void>();
    const [held, setHeld] = createSignal(lastRead);
    const reading = createRoomReading({
      markRead: async (seq) => void calls.push(seq),
      lastRead: held,
      visibility: {
        visible: () => visible,
        onChange(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      timers: { ...clock.timers },
    });
    const setVisible = (v: boolean) => {
      visible = v;
      for (const l of listeners) l();
    };
    return { reading, calls, setVisible, setHeld, listeners, clock };
  }

  test("the highest message on screen is marked read while the page is seen; a hidden page marks nothing until it is seen again", () => {
    const { reading, calls, setVisible } = harness(0);
    setVisible(false);
    reading.sighted(3, true);
    reading.sighted(4, true);
    reading.report();
    expect(calls).toEqual([]);
    setVisible(true);
    expect(calls).toEqual([4]);
  });

  test("a room that is not yours is not marked; becoming a member marks what is on screen", () => {
    const { reading, calls, setHeld } = harness(undefined);
    reading.sighted(2, true);
    reading.report();
    expect(calls).toEqual([]);
    setHeld(0);
    reading.roomsChanged();
    expect(calls).toEqual([2]);
  });

  test("a marker moved in another tab is not sent again; leaving stops listening to the page's visibility", async () => {
    const { reading, calls, setHeld, listeners, clock } = harness(0);
    setHeld(10);
    reading.roomsChanged();
    reading.sighted(8, true);
    reading.report();
    clock.advance(1_000);
    await Promise.resolve();
    expect(calls).toEqual([]);
    reading.dispose();
    expect(listeners.size).toBe(0);
  });
});
