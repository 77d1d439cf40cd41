import { describe, expect, test } from "bun:test";
import {
  createHistoryCache,
  HISTORY_CACHE_MESSAGES,
  HISTORY_CACHE_ROOMS,
  pageOfLog,
} from "../../client/app/lib/history-cache.ts";
import { emptyLog, type HistoryPage, type Message, withHistoryPage } from "../../client/app/lib/message-log.ts";
import type { KeyValueStorage } from "../../client/app/lib/outbox.ts";
import { testMessage } from "../support/entries.ts";

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  /** Bytes (UTF-16 code units) it holds at most, as a browser's quota. */
  constructor(readonly quota = Infinity) {}
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => {
    const used = [...this.items].reduce((n, [k, v]) => n + (k === key ? 0 : k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) throw new DOMException("full", "QuotaExceededError");
    this.items.set(key, value);
  };
  removeItem = (key: string) => void this.items.delete(key);
}

const msg = (seq: number): Message => testMessage(seq, { sender: "alice", text: `message ${seq}` });
const page = (from: number, to: number, nextCursor: number | null): HistoryPage => ({
  messages: Array.from({ length: to - from + 1 }, (_, i) => msg(to - i)),
  nextCursor,
});
const logOf = (p: HistoryPage) => withHistoryPage(emptyLog, p);
const seqs = (p: HistoryPage | undefined) => p?.messages.map((m) => m.seq);

describe("pageOfLog", () => {
  test(`keeps the newest ${HISTORY_CACHE_MESSAGES} messages, newest first, with a cursor to the older ones`, () => {
    const cached = pageOfLog(logOf(page(1, 80, null)));
    expect(cached.messages.length).toBe(HISTORY_CACHE_MESSAGES);
    expect(cached.messages[0]!.seq).toBe(80);
    expect(cached.nextCursor).toBe(31);
  });

  test("a whole short room is saved with no cursor; a page with older messages keeps its cursor", () => {
    expect(pageOfLog(logOf(page(1, 3, null)))).toEqual(page(1, 3, null));
    expect(pageOfLog(logOf(page(10, 12, 10))).nextCursor).toBe(10);
  });
});

describe("createHistoryCache", () => {
  test("what was saved for a room comes back, as the page the room was showing, for that user only", () => {
    const storage = new MemoryStorage();
    createHistoryCache(storage, "ann").save("lobby", logOf(page(1, 5, null)), new Date("2026-12-01T10:00:00Z"));
    expect(createHistoryCache(storage, "ann").load("lobby")).toEqual({
      page: page(1, 5, null),
      savedAt: "2026-12-01T10:00:00.000Z",
    });
    expect(createHistoryCache(storage, "bob").load("lobby")).toBeNull();
    expect(createHistoryCache(storage, "ann").load("dev")).toBeNull();
  });

  test("a log not loaded yet saves nothing; what is not a saved page reads as nothing", () => {
    const storage = new MemoryStorage();
    const cache = createHistoryCache(storage, "ann");
    cache.save("lobby", emptyLog);
    expect(storage.items.size).toBe(0);
    storage.setItem("parlor.history.v1:ann:lobby", "{broken");
    expect(cache.load("lobby")).toBeNull();
    storage.setItem("parlor.history.v1:ann:lobby", JSON.stringify({ page: { messages: "no" }, savedAt: "x" }));
    expect(cache.load("lobby")).toBeNull();
  });

  test(`at most ${HISTORY_CACHE_ROOMS} rooms per user: the least recently saved goes first`, () => {
    const storage = new MemoryStorage();
    const cache = createHistoryCache(storage, "ann");
    for (let i = 0; i <= HISTORY_CACHE_ROOMS; i++) cache.save(`room${i}`, logOf(page(1, 2, null)));
    expect(cache.load("room0")).toBeNull();
    expect(seqs(cache.load("room1")?.page)).toEqual([2, 1]);
    expect(seqs(cache.load(`room${HISTORY_CACHE_ROOMS}`)?.page)).toEqual([2, 1]);
  });

  test("storage full: older rooms make way for the one being saved", () => {
    const one = JSON.stringify({ page: pageOfLog(logOf(page(1, 5, null))), savedAt: new Date().toISOString() }).length;
    const storage = new MemoryStorage(one * 2 + 200);
    const cache = createHistoryCache(storage, "ann");
    cache.save("a", logOf(page(1, 5, null)));
    cache.save("b", logOf(page(1, 5, null)));
    cache.save("c", logOf(page(1, 5, null)));
    expect(cache.load("a")).toBeNull();
    expect(seqs(cache.load("c")?.page)).toEqual([5, 4, 3, 2, 1]);
  });

  test("clear (on sign-out) removes every room saved for that user and nobody else's", () => {
    const storage = new MemoryStorage();
    createHistoryCache(storage, "ann").save("lobby", logOf(page(1, 2, null)));
    createHistoryCache(storage, "ann").save("dev", logOf(page(1, 2, null)));
    createHistoryCache(storage, "bob").save("lobby", logOf(page(1, 2, null)));
    createHistoryCache(storage, "ann").clear();
    expect([...storage.items.keys()].filter((k) => k.includes(":ann"))).toEqual([]);
    expect(seqs(createHistoryCache(storage, "bob").load("lobby")?.page)).toEqual([2, 1]);
  });
});
