/**
 * What the web app forgets when it learns a session is gone (ended elsewhere, a
 * password changed, an expiry): every saved room and every outbox of that user,
 * listed or not, and nothing of anyone else's.
 */
import { describe, expect, test } from "bun:test";
import { createHistoryCache } from "../../client/app/lib/history-cache.ts";
import { emptyLog, withHistoryPage } from "../../client/app/lib/message-log.ts";
import { forgetOfflineCopies } from "../../client/app/lib/offline-copies.ts";
import { createOutbox, type ListableStorage, outboxKey } from "../../client/app/lib/outbox.ts";
import { testMessage } from "../support/entries.ts";

/** localStorage's shape over a Map: keys listed by index, as the Web Storage API lists them. */
function memoryStorage(): ListableStorage & { keys(): string[] } {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    keys: () => [...items.keys()].sort(),
  };
}

/** `user` saved `room` for offline reading and typed a message there the server never got. */
function keepOffline(storage: ListableStorage, user: string, room: string) {
  const log = withHistoryPage(emptyLog, {
    messages: [testMessage(1, { sender: "cy", text: `secret in ${room}` })],
    nextCursor: null,
  });
  createHistoryCache(storage, user).save(room, log);
  const outbox = createOutbox({ storage, user, room, send: () => new Promise<never>(() => {}) });
  outbox.add(`unsent to ${room}`);
  outbox.dispose();
}

describe("forgetOfflineCopies", () => {
  test("removes every saved room and every outbox of the user, and leaves other users' (a name it starts, too) and the rest of storage", () => {
    const storage = memoryStorage();
    keepOffline(storage, "ann", "lobby");
    keepOffline(storage, "ann", "secret-plans");
    keepOffline(storage, "anna", "lobby");
    keepOffline(storage, "bob", "lobby");
    // A saved room its index no longer lists (an older tab, a write cut short) goes too.
    storage.setItem("parlor.history.v1:ann:orphan", "{}");
    storage.setItem("parlor.theme", "dark");

    const removed = forgetOfflineCopies(storage, "ann");

    expect(storage.keys().filter((key) => key.includes(":ann:") || key.endsWith(":ann"))).toEqual([]);
    expect(removed).toBe(6); // the index, three rooms, two outboxes
    expect(createHistoryCache(storage, "ann").load("lobby")).toBeNull();
    expect(storage.getItem(outboxKey("ann", "secret-plans"))).toBeNull();
    expect(storage.keys()).toEqual([
      "parlor.history.v1:anna",
      "parlor.history.v1:anna:lobby",
      "parlor.history.v1:bob",
      "parlor.history.v1:bob:lobby",
      "parlor.outbox.v1:anna:lobby",
      "parlor.outbox.v1:bob:lobby",
      "parlor.theme",
    ]);
  });

  test("storage that cannot be read (disabled by the browser) is left alone without an error", () => {
    const broken: ListableStorage = {
      getItem: () => null,
      setItem: () => {},
      removeItem: () => {},
      get length(): number {
        throw new DOMException("denied", "SecurityError");
      },
      key: () => null,
    };
    expect(forgetOfflineCopies(broken, "ann")).toBe(0);
  });
});
