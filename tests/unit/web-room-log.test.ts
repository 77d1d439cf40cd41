/**
 * The room page's log, writes and presence (room-log.ts, room-writes.ts,
 * room-presence.ts) against a real server through the real client: what the
 * page holds after the first page, live entries, its own sends and changes,
 * older pages, a refusal, and who is here.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createParlorClient } from "@parlor/client";
import { createRoot } from "solid-js";
import type { CachedHistory } from "../../client/app/lib/history-cache.ts";
import { createRoomLog, type RoomLogOptions } from "../../client/app/lib/room-log.ts";
import { createRoomPresence } from "../../client/app/lib/room-presence.ts";
import { createRoomWrites } from "../../client/app/lib/room-writes.ts";
import { createSavedHistory } from "../../client/app/lib/saved-history.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

let server: TestServer;
const roots: (() => void)[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const dispose of roots.splice(0)) dispose();
  await server.stop();
});

/** A primitive made under a Solid root, disposed after the test (its subscriptions end there). */
function owned<T>(make: () => T): T {
  return createRoot((dispose) => {
    roots.push(dispose);
    return make();
  });
}

const seqs = (log: { messages(): readonly { seq: number }[] }) => log.messages().map((m) => m.seq);

describe("createRoomLog", () => {
  test("the first page, then live entries folded in order; a change by someone else goes through inPlace", async () => {
    const [ann, ben] = await Promise.all([server.signUp(), server.signUp()]);
    const first = await ann.client.room.send.mutate({ room: "lobby", text: "one" });
    const incoming: string[] = [];
    let inPlace = 0;
    const log = owned(() =>
      createRoomLog({
        client: ben.client,
        room: "lobby",
        onIncoming: (m) => incoming.push(m.text),
        inPlace: (apply) => {
          inPlace++;
          apply();
        },
      }),
    );
    await waitFor(() => log.status() === "live", "the stream to start");
    expect(seqs(log)).toEqual([first.seq]);
    await ann.client.room.send.mutate({ room: "lobby", text: "two" });
    await ann.client.room.edit.mutate({ room: "lobby", seq: first.seq, text: "one, edited" });
    await waitFor(
      () => log.messages()[0]?.text === "one, edited" && incoming.includes("two"),
      "the new message and the edit",
    );
    expect(inPlace).toBe(1);
    expect(incoming).toEqual(["two"]);
    expect(log.messages().map((m) => m.text)).toEqual(["one, edited", "two"]);
  });

  test("writes: a send shows at once and its live copy is not added twice; an edit, a reaction and a delete show at once", async () => {
    const ann = await server.signUp();
    const log = owned(() => createRoomLog({ client: ann.client, room: "lobby" }));
    const writes = createRoomWrites({
      client: ann.client,
      room: "lobby",
      log,
      typing: { settled: async () => {}, sent: () => {} },
      self: () => ann.username,
    });
    await waitFor(() => log.status() === "live", "the stream to start");
    const sent = await writes.send("hello");
    expect(seqs(log)).toEqual([sent.seq]);
    await writes.edit(sent.seq, "hello again");
    expect(log.messages()[0]?.text).toBe("hello again");
    await writes.react(sent.seq, "👍", true);
    expect(log.messages()[0]?.reactions).toEqual([{ emoji: "👍", users: [ann.username] }]);
    const reply = await writes.send("answer", sent.seq);
    expect(reply.replyTo).toBe(sent.seq);
    await writes.remove(sent.seq);
    expect(log.messages()[0]?.deleted).toBe(true);
    // The live copies arrive after the answers: nothing is added twice.
    await waitFor(() => log.status() === "live", "still live");
    await Bun.sleep(0);
    expect(seqs(log)).toEqual([sent.seq, reply.seq]);
  });

  test("older pages: loadUntil loads back to a message, and a page already on its way is waited for, not fetched twice", async () => {
    const ann = await server.signUp();
    const sent = [];
    for (let i = 1; i <= 9; i++) sent.push(await ann.client.room.send.mutate({ room: "paged", text: `m${i}` }));
    const log = owned(() => createRoomLog({ client: ann.client, room: "paged", pageSize: 2 }));
    await waitFor(() => log.log().loaded, "the first page");
    expect(seqs(log)).toEqual([sent[7]!.seq, sent[8]!.seq]);
    let pages = 0;
    const page = () => {
      pages++;
      return log.loadOlder();
    };
    void log.loadOlder(); // e.g. the screen being filled
    expect(await log.loadUntil(sent[2]!.seq, page)).toBe(true);
    expect(pages).toBe(2); // 5,6 and 3,4 by loadUntil; 7,8 was the page on its way
    expect(seqs(log)[0]).toBe(sent[1]!.seq);
    expect(await log.loadUntil(sent[0]!.seq - 1, page)).toBe(false);
  });

  test("a refusal (a private room this user cannot see) drops the saved copy and shows nothing of it", async () => {
    const [owner, other] = await Promise.all([server.signUp(), server.signUp()]);
    await owner.client.room.create.mutate({ room: "secret", visibility: "private" });
    let dropped = 0;
    const saved = createSavedHistory({ store: { load: () => null, save: () => {}, drop: () => void dropped++ } });
    const log = owned(() => createRoomLog({ client: other.client, room: "secret", saved }));
    await waitFor(() => log.firstPageError() !== undefined, "the refusal");
    expect(dropped).toBe(1);
    expect(log.log().loaded).toBe(false);
  });

  test("offline: when the first page cannot be fetched, the saved copy shows, marked with when it was saved — also once the user becomes known after the failure", async () => {
    const ann = await server.signUp();
    const url = server.url;
    await server.stop();
    server = await startTestServer();
    const copy: CachedHistory = { page: { messages: [], nextCursor: null }, savedAt: "2026-12-01T10:00:00.000Z" };
    // After a reload offline, the user is known only after the first page failed: until then there is no copy to load.
    let userKnown = false;
    const saved = createSavedHistory({
      store: { load: () => (userKnown ? copy : null), save: () => {}, drop: () => {} },
    });
    const options: RoomLogOptions = { client: createParlorClient({ url, token: ann.token }), room: "lobby", saved };
    const log = owned(() => createRoomLog(options));
    await waitFor(() => log.firstPageError() !== undefined, "the failed fetch");
    expect(log.log().loaded).toBe(false);
    userKnown = true;
    log.showSavedCopy();
    expect(log.log().loaded).toBe(true);
    expect(saved.savedAt()).toBe("2026-12-01T10:00:00.000Z");
  });
});

describe("createRoomPresence", () => {
  test("who is here, and the typing line names someone else typing (never yourself)", async () => {
    const [ann, ben] = await Promise.all([server.signUp(), server.signUp()]);
    const annSees = owned(() => createRoomPresence({ client: ann.client, room: "lobby", self: () => ann.username }));
    const benSees = owned(() => createRoomPresence({ client: ben.client, room: "lobby", self: () => ben.username }));
    await waitFor(() => annSees.presence()?.users.length === 2, "both present");
    benSees.typed("hel");
    await waitFor(() => annSees.typingText() === `${ben.username} is typing…`, "ben's typing");
    expect(benSees.typingText()).toBe("");
  });
});
