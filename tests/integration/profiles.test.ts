/**
 * Display names through the real @trpc/client against a real server: set,
 * read one or many, carried by room.members, cleared, bounded, and heard live
 * by whoever watches that person — and nothing else of their group with it.
 * Avatars: an image of one's own, its thumbnail public while worn.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Profile } from "../../shared/schemas.ts";
import { png, upload } from "../support/files.ts";
import { failure } from "../support/outcome.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

let server: TestServer;
let ann: TestUser;
let ben: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
});
afterAll(() => server.stop());

describe("display names", () => {
  test("me.updateProfile sets a trimmed name; user.profile shows it to anyone, guests too; null clears it; avatarUrl is null", async () => {
    expect(await ann.client.me.updateProfile.mutate({ displayName: "  Ann Lee 🌱 " })).toEqual({
      username: "ann",
      displayName: "Ann Lee 🌱",
      avatarUrl: null,
    });
    expect(await server.guest().client.user.profile.query({ username: "ANN" })).toEqual({
      username: "ann",
      displayName: "Ann Lee 🌱",
      avatarUrl: null,
    });
    // Absent: nothing changes.
    expect(await ann.client.me.updateProfile.mutate({})).toMatchObject({ displayName: "Ann Lee 🌱" });
    expect(await ann.client.me.updateProfile.mutate({ displayName: null })).toMatchObject({ displayName: null });
    expect(await ben.client.user.profile.query({ username: "ann" })).toMatchObject({ displayName: null });
    expect(await failure(ben.client.user.profile.query({ username: "nobody" }))).toEqual({
      code: "NOT_FOUND",
      message: "Nobody is called 'nobody'.",
    });
  });

  test("a display name is 1–64 characters after trimming, one line, without control or bidi characters: BAD_REQUEST otherwise; guests may not set one", async () => {
    const bad: [unknown, string][] = [
      ["   ", "displayName: A display name cannot be empty (send null to clear it)."],
      ["x".repeat(65), "displayName: A display name has at most 64 characters."],
      ["Ann\nLee", "displayName: A display name is one line of text, without control characters."],
      ["Ann\u001b[31m", "displayName: A display name is one line of text, without control characters."],
      ["Ann\u202Eeel", "displayName: A display name is one line of text, without control characters."],
      [42, "displayName: A display name must be text."],
    ];
    for (const [displayName, message] of bad) {
      expect(await failure(ben.client.me.updateProfile.mutate({ displayName: displayName as string }))).toEqual({
        code: "BAD_REQUEST",
        message,
      });
    }
    // 64 emoji are 64 characters.
    expect((await ben.client.me.updateProfile.mutate({ displayName: "🌱".repeat(64) })).displayName).toBe(
      "🌱".repeat(64),
    );
    expect((await failure(server.guest().client.me.updateProfile.mutate({ displayName: "Guest" }))).code).toBe(
      "UNAUTHORIZED",
    );
  });

  test("user.profiles answers up to 100 people in the order asked, leaving out unknown names; room.members carries displayName", async () => {
    await ann.client.me.updateProfile.mutate({ displayName: "Ann" });
    await ben.client.me.updateProfile.mutate({ displayName: null });
    expect(await server.guest().client.user.profiles.query({ usernames: ["ben", "nobody", "Ann", "ann"] })).toEqual([
      { username: "ben", displayName: null, avatarUrl: null },
      { username: "ann", displayName: "Ann", avatarUrl: null },
    ]);
    const many = Array.from({ length: 101 }, (_, i) => `user${i}`);
    expect(await failure(ann.client.user.profiles.query({ usernames: many }))).toEqual({
      code: "BAD_REQUEST",
      message: "usernames: 'usernames' names at most 100 people.",
    });

    await ann.client.room.send.mutate({ room: "garden", text: "hi" });
    await ben.client.room.send.mutate({ room: "garden", text: "hello" });
    expect(await ben.client.room.members.query({ room: "garden" })).toEqual([
      { username: "ann", role: "owner", displayName: "Ann" },
      { username: "ben", role: "member", displayName: null },
    ]);
  });

  test("user.profileChanges: a watcher hears each change of the people it names, and nothing else of their group (read markers, rooms)", async () => {
    const dan = await server.signUp("dan");
    const heard: Profile[] = [];
    const started = Promise.withResolvers<void>();
    const sub = ben.client.user.profileChanges.subscribe(
      { usernames: ["dan"] },
      { onStarted: () => started.resolve(), onData: (p) => heard.push(p) },
    );
    await started.promise;
    await dan.client.me.updateProfile.mutate({ displayName: "Dan L." });
    await waitFor(() => heard.length === 1, "the first change");
    // Dan's own group also carries her read markers and "your rooms changed": none of it reaches ben.
    const m = await ben.client.room.send.mutate({ room: "garden", text: "read me" });
    await dan.client.room.markRead.mutate({ room: "garden", seq: m.seq });
    await dan.client.dm.open.mutate({ username: "ben" });
    await dan.client.me.updateProfile.mutate({ displayName: null });
    await waitFor(() => heard.length === 2, "the second change");
    sub.unsubscribe();
    expect(heard).toEqual([
      { username: "dan", displayName: "Dan L.", avatarUrl: null },
      { username: "dan", displayName: null, avatarUrl: null },
    ]);
  });

  test("profile changes are rate limited per user: a burst of 5, then TOO_MANY_REQUESTS", async () => {
    const cat = await server.signUp("cat");
    for (let i = 1; i <= 5; i++) await cat.client.me.updateProfile.mutate({ displayName: `Cat ${i}` });
    expect((await failure(cat.client.me.updateProfile.mutate({ displayName: "Cat 6" }))).code).toBe(
      "TOO_MANY_REQUESTS",
    );
    expect(await ann.client.user.profile.query({ username: "cat" })).toMatchObject({ displayName: "Cat 5" });
  });
});

describe("avatars", () => {
  /** The status and type of GET `path` on the server, as `token`'s holder or a guest. */
  async function get(path: string, token?: string) {
    const res = await fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await res.arrayBuffer();
    return { status: res.status, type: res.headers.get("content-type"), cache: res.headers.get("cache-control") };
  }

  test("an image you uploaded becomes your avatar: avatarUrl is its thumbnail, readable by another user and a guest (the file itself stays yours); null clears it and the thumbnail is yours alone again", async () => {
    const eve = await server.signUp("eve");
    const photo = await upload(eve.client, await png(600, 400), "eve.png");
    expect(await get(photo.thumbnailUrl!)).toMatchObject({ status: 404 });

    const set = await eve.client.me.updateProfile.mutate({ avatar: photo.id });
    expect(set).toEqual({ username: "eve", displayName: null, avatarUrl: `/files/${photo.id}/thumbnail` });
    expect(await ben.client.user.profile.query({ username: "eve" })).toEqual(set);
    expect(await server.guest().client.user.profiles.query({ usernames: ["eve"] })).toEqual([set]);
    expect(await get(set.avatarUrl!, ben.token)).toEqual({
      status: 200,
      type: "image/webp",
      cache: "public, no-cache",
    });
    expect(await get(set.avatarUrl!)).toMatchObject({ status: 200, type: "image/webp" });
    // Only the picture is public: the uploaded file is still for its uploader alone.
    expect(await get(photo.url)).toMatchObject({ status: 404 });
    expect(await get(photo.url, ben.token)).toMatchObject({ status: 404 });
    expect(await get(photo.url, eve.token)).toMatchObject({ status: 200 });

    expect(await eve.client.me.updateProfile.mutate({ avatar: null })).toMatchObject({ avatarUrl: null });
    expect(await ben.client.user.profile.query({ username: "eve" })).toMatchObject({ avatarUrl: null });
    expect(await get(photo.thumbnailUrl!)).toMatchObject({ status: 404 });
    expect(await get(photo.thumbnailUrl!, eve.token)).toMatchObject({ status: 200 });
  });

  test("an avatar must be an image you uploaded: a non-image, someone else's image, an unknown id are BAD_REQUEST in the same words, and nothing changes", async () => {
    const fay = await server.signUp("fay");
    const mine = await upload(fay.client, await png(), "fay.png");
    await fay.client.me.updateProfile.mutate({ avatar: mine.id });
    const text = await upload(fay.client, "just words", "notes.txt");
    const bens = await upload(ben.client, await png(), "ben.png");
    const unknown = "u".repeat(32);
    const refusals = await Promise.all(
      [text.id, bens.id, unknown].map((avatar) => failure(fay.client.me.updateProfile.mutate({ avatar }))),
    );
    for (const [i, id] of [text.id, bens.id, unknown].entries()) {
      expect(refusals[i]!.code).toBe("BAD_REQUEST");
      expect(refusals[i]!.message.replace(id, "ID")).toBe(
        "'ID' is not an image you uploaded (JPEG, PNG, WebP or GIF) and can still read: upload one and use its id.",
      );
    }
    expect(await ben.client.user.profile.query({ username: "fay" })).toMatchObject({
      avatarUrl: `/files/${mine.id}/thumbnail`,
    });
    // Ben's picture did not become public by being named.
    expect(await get(bens.thumbnailUrl!)).toMatchObject({ status: 404 });
  });

  test("an image sent in a private room can be worn: its thumbnail is then public; deleting the message keeps the avatar (the file itself is gone for the room)", async () => {
    const gil = await server.signUp("gil");
    await gil.client.room.create.mutate({ room: "gil-private", visibility: "private" });
    const photo = await upload(gil.client, await png(), "gil.png");
    const sent = await gil.client.room.send.mutate({ room: "gil-private", text: "me", attachments: [photo.id] });
    expect(await get(photo.thumbnailUrl!)).toMatchObject({ status: 404 });
    await gil.client.me.updateProfile.mutate({ avatar: photo.id });
    expect(await get(photo.thumbnailUrl!)).toMatchObject({ status: 200, type: "image/webp" });

    await gil.client.room.delete.mutate({ room: "gil-private", seq: sent.seq });
    expect(await get(photo.url, gil.token)).toMatchObject({ status: 404 });
    expect(await get(photo.thumbnailUrl!)).toMatchObject({ status: 200, type: "image/webp" });
    expect(await server.guest().client.user.profile.query({ username: "gil" })).toMatchObject({
      avatarUrl: photo.thumbnailUrl,
    });
  });

  test("user.profileChanges carries a new avatar and its removal, live", async () => {
    const hal = await server.signUp("hal");
    const heard: Profile[] = [];
    const started = Promise.withResolvers<void>();
    const sub = ben.client.user.profileChanges.subscribe(
      { usernames: ["hal"] },
      { onStarted: () => started.resolve(), onData: (p) => heard.push(p) },
    );
    await started.promise;
    const photo = await upload(hal.client, await png(), "hal.png");
    await hal.client.me.updateProfile.mutate({ avatar: photo.id });
    await waitFor(() => heard.length === 1, "the new avatar");
    await hal.client.me.updateProfile.mutate({ avatar: null });
    await waitFor(() => heard.length === 2, "the avatar taken off");
    sub.unsubscribe();
    expect(heard).toEqual([
      { username: "hal", displayName: null, avatarUrl: `/files/${photo.id}/thumbnail` },
      { username: "hal", displayName: null, avatarUrl: null },
    ]);
  });
});
