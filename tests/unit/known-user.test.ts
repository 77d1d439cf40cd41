import { describe, expect, test } from "bun:test";
import { createKnownUser } from "../../client/app/lib/known-user.ts";
import type { KeyValueStorage } from "../../client/app/lib/outbox.ts";

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  full = false;
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => {
    if (this.full) throw new DOMException("full", "QuotaExceededError");
    this.items.set(key, value);
  };
  removeItem = (key: string) => void this.items.delete(key);
}

describe("createKnownUser", () => {
  test("the user the server last named comes back after a reload; signing out forgets them", () => {
    const storage = new MemoryStorage();
    createKnownUser<{ id: number; username: string }>(storage).set({ id: 7, username: "ann" });
    expect(createKnownUser<{ id: number; username: string }>(storage).get()).toEqual({ id: 7, username: "ann" });
    createKnownUser(storage).set(null);
    expect(createKnownUser(storage).get()).toBeNull();
  });

  test("nothing stored, something that is not a user, no storage at all, or a full one: read as nobody, never thrown", () => {
    const storage = new MemoryStorage();
    expect(createKnownUser(storage).get()).toBeNull();
    storage.setItem("parlor.user.v1", "{oops");
    expect(createKnownUser(storage).get()).toBeNull();
    storage.setItem("parlor.user.v1", JSON.stringify({ id: 1 }));
    expect(createKnownUser(storage).get()).toBeNull();
    expect(createKnownUser(null).get()).toBeNull();
    storage.full = true;
    expect(() => createKnownUser(storage).set({ username: "ann" })).not.toThrow();
  });
});
