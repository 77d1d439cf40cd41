import { describe, expect, test } from "bun:test";
import { misroutedEvent } from "../../server/groups/redis-events.ts";
import { messageEvent } from "../support/entries.ts";

describe("events from Redis: the room they name must be their channel's", () => {
  test("an entry for room 'lobby' on room:lobby passes; on room:other it is misrouted", () => {
    expect(misroutedEvent("room:lobby", messageEvent(1, "lobby"))).toBeNull();
    expect(misroutedEvent("room:other", messageEvent(1, "lobby"))).toBe('it names room "lobby"');
  });

  test("a room named deeper inside (the entry's message) must match too", () => {
    const secret = messageEvent(1, "secret");
    const forged = { type: "entry", room: "lobby", entry: "entry" in secret ? secret.entry : null };
    expect(misroutedEvent("room:lobby", forged)).toBe('it names room "secret"');
  });

  test("typing on room:lobby for another room is misrouted; events on groups that are not rooms are not checked", () => {
    const typing = { type: "typing", room: "secret", username: "ann", active: true, ttlMs: 5000 };
    expect(misroutedEvent("room:lobby", typing)).toBe('it names room "secret"');
    expect(misroutedEvent("presence", typing)).toBeNull();
    expect(misroutedEvent("control", { type: "revoke", room: "secret", userId: 1, reason: "kicked" })).toBeNull();
  });
});
