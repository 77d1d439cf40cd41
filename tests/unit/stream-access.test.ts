/**
 * The access answers kept for opening streams (server/rooms/stream-access.ts):
 * only answers that let the caller see the room, dropped by the changes that take
 * sight away, never kept when read across such a change, and never past their time.
 */
import { describe, expect, test } from "bun:test";
import type { AnyRoomAccess } from "../../server/rooms/access.ts";
import { createStreamAccess } from "../../server/rooms/stream-access.ts";

const publicRoom = (room: string): AnyRoomAccess => ({
  room,
  exists: true,
  visibility: "public",
  direct: false,
  topic: null,
  owner: "ann",
  ownerId: 1,
  memberCount: 1,
  role: null,
  banned: false,
});
const privateRoom = (room: string, role: "member" | null): AnyRoomAccess => ({
  ...(publicRoom(room) as Extract<AnyRoomAccess, { exists: true }>),
  visibility: "private",
  role,
});

/** A read that answers what `answers` holds now, counting its queries. */
function database(answers: Map<string, AnyRoomAccess>) {
  const db = {
    reads: 0,
    read: async (room: string, user: { id: number } | null) => {
      db.reads++;
      return answers.get(`${user?.id ?? 0} ${room}`) ?? { room, exists: false as const };
    },
  };
  return db;
}

describe("access kept for opening streams", () => {
  test("an answer that lets the caller see the room is read once; one that does not is read every time", async () => {
    const answers = new Map([
      ["2 open", publicRoom("open")],
      ["2 secret", privateRoom("secret", null)],
    ]);
    const db = database(answers);
    const access = createStreamAccess({ read: db.read });
    for (let i = 0; i < 5; i++) expect((await access.get("open", { id: 2 })).exists).toBe(true);
    expect(db.reads).toBe(1);
    for (let i = 0; i < 5; i++) expect(await access.get("secret", { id: 2 })).toEqual(privateRoom("secret", null));
    expect(db.reads).toBe(6);
    // A guest is its own entry.
    await access.get("open", null);
    expect(db.reads).toBe(7);
  });

  test("a member removed (forget room, user), a room narrowed (forget room) or a lag (clear): the next open reads again", async () => {
    const answers = new Map([
      ["2 secret", privateRoom("secret", "member")],
      ["3 secret", privateRoom("secret", "member")],
    ]);
    const db = database(answers);
    const access = createStreamAccess({ read: db.read });
    await access.get("secret", { id: 2 });
    await access.get("secret", { id: 3 });
    answers.set("2 secret", privateRoom("secret", null));
    access.forget("secret", 2);
    expect(await access.get("secret", { id: 2 })).toEqual(privateRoom("secret", null));
    expect((await access.get("secret", { id: 3 })).exists && db.reads).toBe(3);
    answers.set("3 secret", privateRoom("secret", null));
    access.forget("secret");
    expect(await access.get("secret", { id: 3 })).toEqual(privateRoom("secret", null));
    answers.set("3 secret", privateRoom("secret", "member"));
    await access.get("secret", { id: 3 });
    answers.set("3 secret", privateRoom("secret", null));
    access.clear();
    expect(await access.get("secret", { id: 3 })).toEqual(privateRoom("secret", null));
  });

  test("an answer read while a removal was heard is not kept: it may be older than the removal", async () => {
    const answers = new Map([["2 secret", privateRoom("secret", "member")]]);
    const db = database(answers);
    let removeDuringRead = true;
    const access = createStreamAccess({
      read: async (room, user) => {
        const found = await db.read(room, user);
        if (removeDuringRead) {
          // The kick commits and is heard after the query read the row, before its answer is kept.
          removeDuringRead = false;
          answers.set("2 secret", privateRoom("secret", null));
          access.forget("secret", 2);
        }
        return found;
      },
    });
    expect((await access.get("secret", { id: 2 })).exists).toBe(true);
    expect(await access.get("secret", { id: 2 })).toEqual(privateRoom("secret", null));
    expect(access.size).toBe(0);
  });

  test("a kept answer lasts ttlMs at most", async () => {
    const db = database(new Map([["2 open", publicRoom("open")]]));
    const access = createStreamAccess({ read: db.read, ttlMs: 30 });
    await access.get("open", { id: 2 });
    await access.get("open", { id: 2 });
    expect(db.reads).toBe(1);
    await Bun.sleep(40);
    await access.get("open", { id: 2 });
    expect(db.reads).toBe(2);
  });
});
