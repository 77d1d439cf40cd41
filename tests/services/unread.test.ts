/**
 * `me.rooms` across two processes on one Redis and one PostgreSQL: a watcher on
 * process B hears of messages, marker moves and new rooms that happen on A.
 */
import { expect, test } from "bun:test";
import Redis from "ioredis";
import type { RoomEvent, RoomUnread } from "../../shared/schemas.ts";
import { describeWithServices, postgresService, redisService, testRedisUrl } from "../support/backends.ts";
import { testMessage } from "../support/entries.ts";
import { useProcessPair } from "../support/process-pair.ts";
import { waitFor } from "../support/wait.ts";

await describeWithServices("me.rooms across two processes", [postgresService, redisService], () => {
  const pair = useProcessPair();

  test("messages, a marker moved and an invitation on A reach the user's me.rooms on B", async () => {
    const ann = await pair.a.signUp();
    const ben = await pair.a.signUp();
    await ann.client.room.create.mutate({ room: "shared", visibility: "private" });
    await ann.client.room.invite.mutate({ room: "shared", username: ben.username });
    const rooms = new Map<string, RoomUnread>();
    let snapshots = 0;
    const onB = pair.b.signedInAs(ben.token);
    const sub = onB.client.me.rooms.subscribe(undefined, {
      onData: (e) => {
        if (e.type === "snapshot") {
          snapshots++;
          for (const r of e.rooms) rooms.set(r.room, r);
        } else if (e.type === "update") rooms.set(e.room.room, e.room);
        else rooms.delete(e.room);
      },
    });
    await waitFor(() => snapshots > 0, "snapshot on B", 5000);

    await ann.client.room.send.mutate({ room: "shared", text: `hey @${ben.username}` });
    await waitFor(() => rooms.get("shared")?.unread === 1, "the message from A", 5000);
    expect(rooms.get("shared")).toMatchObject({ unread: 1, mentions: 1, lastSeq: 2 });

    await ben.client.room.markRead.mutate({ room: "shared", seq: 2 });
    await waitFor(() => rooms.get("shared")?.lastReadSeq === 2, "the marker moved on A", 5000);
    expect(rooms.get("shared")).toMatchObject({ unread: 0, mentions: 0 });

    await ann.client.room.create.mutate({ room: "second", visibility: "private" });
    await ann.client.room.invite.mutate({ room: "second", username: ben.username });
    await waitFor(() => rooms.has("second"), "the new room", 5000);
    sub.unsubscribe();
  }, 30_000);

  test("an entry forged on Redis moves no count: B counts what the database holds", async () => {
    const ann = await pair.a.signUp();
    const ben = await pair.a.signUp();
    await ann.client.room.create.mutate({ room: "guarded", visibility: "public" });
    await ben.client.room.join.mutate({ room: "guarded" });
    const rooms = new Map<string, RoomUnread>();
    const onB = pair.b.signedInAs(ben.token);
    const sub = onB.client.me.rooms.subscribe(undefined, {
      onData: (e) => {
        if (e.type === "snapshot") for (const r of e.rooms) rooms.set(r.room, r);
        else if (e.type === "update") rooms.set(e.room.room, e.room);
      },
    });
    await waitFor(() => rooms.has("guarded"), "snapshot on B", 5000);
    const next = rooms.get("guarded")!.lastSeq + 1;

    // The attacker publishes the room's next seq: a message that mentions ben, which the database does not hold.
    const forged: RoomEvent = {
      type: "entry",
      room: "guarded",
      entry: {
        kind: "message",
        seq: next,
        message: testMessage(next, { room: "guarded", sender: ann.username, text: `@${ben.username} forged` }),
      },
    };
    const raw = new Redis(await testRedisUrl());
    try {
      await raw.publish(`${pair.prefix}room:guarded`, JSON.stringify(forged));
    } finally {
      raw.disconnect();
    }
    const real = await ann.client.room.send.mutate({ room: "guarded", text: "the real one" });
    expect(real.seq).toBe(next);
    await waitFor(() => rooms.get("guarded")?.lastSeq === real.seq, "the real message", 5000);
    expect(rooms.get("guarded")).toMatchObject({ unread: 1, mentions: 0 });
    sub.unsubscribe();
  }, 30_000);
});
