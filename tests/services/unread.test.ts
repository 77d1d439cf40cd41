/**
 * `me.rooms` across two processes on one Redis and one PostgreSQL: a watcher on
 * process B hears of messages, marker moves and new rooms that happen on A.
 */
import { expect, test } from "bun:test";
import type { RoomUnread } from "../../shared/schemas.ts";
import { describeWithServices, postgresService, redisService } from "../support/backends.ts";
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
});
