/**
 * server/chat/send-rules.ts: who may post in a room, decided once for a single
 * send and for a group commit's many (a single send is a batch of one). Input: a
 * room's state as read under its lock and the batch's messages in arrival order;
 * what must come back: which are let in, each other one's own error, and who
 * joins by sending.
 */
import { describe, expect, test } from "bun:test";
import { admit, type RoomState } from "../../server/chat/send-rules.ts";
import { InvalidRequestError, NotFoundError } from "../../server/errors/domain-errors.ts";

const state = (s: Partial<RoomState>): RoomState => ({
  visibility: "public",
  memberCount: 0,
  members: new Set(),
  answerable: new Set(),
  ...s,
});

describe("admit", () => {
  test("a private room takes messages from its members only: a stranger is told the room does not exist", () => {
    const { admitted, refused, joining } = admit(
      "den",
      state({ visibility: "private", memberCount: 1, members: new Set([1]) }),
      [{ senderId: 1 }, { senderId: 2 }],
    );
    expect(admitted).toEqual([0]);
    expect(refused.get(1)).toBeInstanceOf(NotFoundError);
    expect((refused.get(1) as Error).message).toBe("Room 'den' does not exist.");
    expect(joining.size).toBe(0);
  });

  test("a sender of a public room (or of a room not created yet) who is not a member joins it by sending, once", () => {
    for (const visibility of ["public", null]) {
      const { admitted, joining } = admit("lobby", state({ visibility, members: new Set([1]), memberCount: 1 }), [
        { senderId: 1 },
        { senderId: 2 },
        { senderId: 2 },
      ]);
      expect(admitted).toEqual([0, 1, 2]);
      expect([...joining]).toEqual([2]);
    }
  });

  test("a full public room refuses a newcomer's message and lets its members and earlier newcomers in", () => {
    const { admitted, refused, joining } = admit("lobby", state({ memberCount: 2, members: new Set([1]) }), [
      { senderId: 3, maxMembers: 3 },
      { senderId: 4, maxMembers: 3 },
      { senderId: 1, maxMembers: 3 },
      { senderId: 3, maxMembers: 3 },
    ]);
    expect(admitted).toEqual([0, 2, 3]);
    expect((refused.get(1) as Error).message).toBe("Room 'lobby' is full (3 members).");
    expect([...joining]).toEqual([3]);
  });

  test("a reply must answer a message that can be answered; a refused newcomer takes no place in the room", () => {
    const { admitted, refused, joining } = admit("lobby", state({ memberCount: 0, answerable: new Set([5]) }), [
      { senderId: 7, replyTo: 6, maxMembers: 1 },
      { senderId: 8, replyTo: 5, maxMembers: 1 },
    ]);
    expect(refused.get(0)).toBeInstanceOf(InvalidRequestError);
    expect((refused.get(0) as Error).message).toBe(
      "'replyTo' 6 is not a message of room 'lobby' that can be answered.",
    );
    expect(admitted).toEqual([1]);
    expect([...joining]).toEqual([8]);
  });
});
