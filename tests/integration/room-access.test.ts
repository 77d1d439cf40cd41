/**
 * The rooms access seam, table-driven through the real @trpc/client against a
 * real server: every room procedure × {guest, non-member, banned, member,
 * moderator, owner} × {public, private}, each answer asserted. A private room
 * answers a non-member exactly as a name never used does.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { appRouter } from "../../server/trpc/router.ts";
import type { Visibility } from "../../shared/schemas.ts";
import { failure, outcome } from "../support/outcome.ts";
import { startTestServer, type TestClient, type TestServer, type TestUser, uniqueName } from "../support/server.ts";

type Role = "guest" | "nonmember" | "banned" | "member" | "moderator" | "owner";
const ROLES: Role[] = ["guest", "nonmember", "banned", "member", "moderator", "owner"];

const NAMES = [
  "owner",
  "moderator",
  "member",
  "banned",
  "nonmember",
  "kickee",
  "banee",
  "invitee",
  "unbannee",
  "promotee",
] as const;
let server: TestServer;
/** One account per part; each fixture gives them their parts in a room of its own. */
let users: Record<(typeof NAMES)[number], TestUser>;
beforeAll(async () => {
  server = await startTestServer({
    SEND_BURST: "1000",
    INVITES_PER_MINUTE: "6000",
    LOGIN_BURST_PER_IP: "100",
    ROOM_CREATE_BURST: "1000",
    SEARCH_BURST: "1000",
    SEARCH_BURST_PER_IP: "1000",
  });
  users = Object.fromEntries(
    await Promise.all(NAMES.map(async (n) => [n, await server.signUp(uniqueName(n.slice(0, 4)))])),
  ) as typeof users;
});
afterAll(() => server.stop());

/** "OK" once a subscription has started, or the code it failed with. */
function subscriptionOutcome(
  client: TestClient["client"],
  path: "messages" | "presence",
  room: string,
): Promise<string> {
  return new Promise((resolve) => {
    const handlers = {
      onStarted: () => {
        sub.unsubscribe();
        resolve("OK");
      },
      onError: (error: unknown) => resolve(error instanceof TRPCClientError ? String(error.data?.code) : String(error)),
    };
    const sub =
      path === "messages"
        ? client.room.messages.subscribe({ room }, handlers)
        : client.room.presence.subscribe({ room }, handlers);
  });
}

/** A room with one user in each role, the users the caller acts on, and messages to change. */
async function fixture(visibility: Visibility) {
  const room = uniqueName(visibility);
  const owner = users.owner.client;
  await owner.room.create.mutate({ room, visibility, topic: "about things" });
  const add = async (u: TestUser) => {
    if (visibility === "private") await owner.room.invite.mutate({ room, username: u.username });
    else await u.client.room.join.mutate({ room });
  };
  for (const u of [users.moderator, users.member, users.kickee, users.banee, users.promotee, users.banned])
    await add(u);
  await owner.room.setRole.mutate({ room, username: users.moderator.username, role: "moderator" });
  await owner.room.ban.mutate({ room, username: users.banned.username });
  await owner.room.ban.mutate({ room, username: users.unbannee.username });
  const toEdit = await owner.room.send.mutate({ room, text: "edit me" });
  const toDelete = await owner.room.send.mutate({ room, text: "delete me" });
  const toReact = await owner.room.send.mutate({ room, text: "react to me" });
  const caller = (role: Role): TestClient => (role === "guest" ? server.guest() : users[role]);
  return { room, users, caller, toEdit, toDelete, toReact };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;
type Call = (c: TestClient["client"], f: Fixture) => Promise<string>;

/** Every room procedure, in an order where one call's effect does not change another's answer. */
const CALLS: [string, Call][] = [
  ["history", (c, f) => outcome(c.room.history.query({ room: f.room }))],
  ["messages", (c, f) => subscriptionOutcome(c, "messages", f.room)],
  ["presence", (c, f) => subscriptionOutcome(c, "presence", f.room)],
  ["info", (c, f) => outcome(c.room.info.query({ room: f.room }))],
  ["members", (c, f) => outcome(c.room.members.query({ room: f.room }))],
  ["search", (c, f) => outcome(c.room.search.query({ room: f.room, query: "react" }))],
  ["react", (c, f) => outcome(c.room.react.mutate({ room: f.room, seq: f.toReact.seq, emoji: "👍", add: true }))],
  ["typing", (c, f) => outcome(c.room.typing.mutate({ room: f.room }))],
  ["edit", (c, f) => outcome(c.room.edit.mutate({ room: f.room, seq: f.toEdit.seq, text: "edited" }))],
  ["delete", (c, f) => outcome(c.room.delete.mutate({ room: f.room, seq: f.toDelete.seq }))],
  ["invite", (c, f) => outcome(c.room.invite.mutate({ room: f.room, username: f.users.invitee.username }))],
  ["kick", (c, f) => outcome(c.room.kick.mutate({ room: f.room, username: f.users.kickee.username }))],
  ["ban", (c, f) => outcome(c.room.ban.mutate({ room: f.room, username: f.users.banee.username }))],
  ["bans", (c, f) => outcome(c.room.bans.query({ room: f.room }))],
  ["unban", (c, f) => outcome(c.room.unban.mutate({ room: f.room, username: f.users.unbannee.username }))],
  [
    "setRole",
    (c, f) => outcome(c.room.setRole.mutate({ room: f.room, username: f.users.promotee.username, role: "moderator" })),
  ],
  ["setTopic", (c, f) => outcome(c.room.setTopic.mutate({ room: f.room, topic: "new topic" }))],
  ["markRead", (c, f) => outcome(c.room.markRead.mutate({ room: f.room, seq: f.toReact.seq }))],
  ["join", (c, f) => outcome(c.room.join.mutate({ room: f.room }))],
  ["send", (c, f) => outcome(c.room.send.mutate({ room: f.room, text: "hello" }))],
  ["leave", (c, f) => outcome(c.room.leave.mutate({ room: f.room }))],
];

const OK = "OK";
const NF = "NOT_FOUND";
const UN = "UNAUTHORIZED";
const FB = "FORBIDDEN";
const BR = "BAD_REQUEST";
const READS = { history: OK, messages: OK, presence: OK, info: OK, members: OK, search: OK };
const HIDDEN = Object.fromEntries(CALLS.map(([name]) => [name, NF]));
const GUEST_PRIVATE = {
  ...Object.fromEntries(CALLS.map(([name]) => [name, UN])),
  history: NF,
  messages: NF,
  presence: NF,
  info: NF,
  members: NF,
  search: NF,
};
const GUEST_PUBLIC = { ...Object.fromEntries(CALLS.map(([name]) => [name, UN])), ...READS };
const NOT_A_MANAGER = { invite: FB, kick: FB, ban: FB, bans: FB, unban: FB, setRole: FB, setTopic: FB };

const EXPECTED: Record<Visibility, Record<Role, Record<string, string>>> = {
  private: {
    guest: GUEST_PRIVATE,
    nonmember: HIDDEN,
    banned: HIDDEN,
    member: {
      ...READS,
      react: OK,
      typing: OK,
      edit: FB,
      delete: FB,
      ...NOT_A_MANAGER,
      markRead: OK,
      join: BR,
      send: OK,
      leave: OK,
    },
    moderator: {
      ...READS,
      react: OK,
      typing: OK,
      edit: FB,
      delete: OK,
      invite: OK,
      kick: OK,
      ban: OK,
      bans: OK,
      unban: OK,
      setRole: FB,
      setTopic: OK,
      markRead: OK,
      join: BR,
      send: OK,
      leave: OK,
    },
    owner: {
      ...READS,
      react: OK,
      typing: OK,
      edit: OK,
      delete: OK,
      invite: OK,
      kick: OK,
      ban: OK,
      bans: OK,
      unban: OK,
      setRole: OK,
      setTopic: OK,
      markRead: OK,
      join: BR,
      send: OK,
      leave: BR,
    },
  },
  public: {
    guest: GUEST_PUBLIC,
    nonmember: {
      ...READS,
      react: OK,
      typing: OK,
      edit: FB,
      delete: FB,
      ...NOT_A_MANAGER,
      markRead: OK,
      join: OK,
      send: OK,
      leave: OK,
    },
    banned: {
      ...READS,
      react: FB,
      typing: FB,
      edit: FB,
      delete: FB,
      ...NOT_A_MANAGER,
      markRead: OK,
      join: FB,
      send: FB,
      leave: BR,
    },
    member: {
      ...READS,
      react: OK,
      typing: OK,
      edit: FB,
      delete: FB,
      ...NOT_A_MANAGER,
      markRead: OK,
      join: OK,
      send: OK,
      leave: OK,
    },
    moderator: {
      ...READS,
      react: OK,
      typing: OK,
      edit: FB,
      delete: OK,
      invite: BR,
      kick: OK,
      ban: OK,
      bans: OK,
      unban: OK,
      setRole: FB,
      setTopic: OK,
      markRead: OK,
      join: OK,
      send: OK,
      leave: OK,
    },
    owner: {
      ...READS,
      react: OK,
      typing: OK,
      edit: OK,
      delete: OK,
      invite: BR,
      kick: OK,
      ban: OK,
      bans: OK,
      unban: OK,
      setRole: OK,
      setTopic: OK,
      markRead: OK,
      join: OK,
      send: OK,
      leave: BR,
    },
  },
};

describe("room access seam", () => {
  test("the table names every procedure of the room router that takes a room (a new one cannot be forgotten)", () => {
    const roomProcedures = Object.keys(appRouter._def.procedures).filter((p) => p.startsWith("room."));
    // Not about one room: creating one (CONFLICT when the name is taken), the caller's own rooms, the public list.
    const notAboutOneRoom = ["room.create", "room.mine", "room.active"];
    expect(roomProcedures.filter((p) => !notAboutOneRoom.includes(p)).sort()).toEqual(
      CALLS.map(([name]) => `room.${name}`).sort(),
    );
  });

  for (const visibility of ["private", "public"] as const) {
    for (const role of ROLES) {
      test(`${visibility} room, ${role}: every procedure answers as the access rules say`, async () => {
        const f = await fixture(visibility);
        const client = f.caller(role).client;
        const got: Record<string, string> = {};
        for (const [name, call] of CALLS) got[name] = await call(client, f);
        expect(got).toEqual(EXPECTED[visibility][role]);
      });
    }
  }

  test("a private room answers a non-member with the very words a name never used gets; the REST history says 404 the same way", async () => {
    const f = await fixture("private");
    const stranger = f.users.nonmember;
    const never = uniqueName("never");
    const hidden = await failure(stranger.client.room.info.query({ room: f.room }));
    const unused = await failure(stranger.client.room.info.query({ room: never }));
    expect(hidden).toEqual({ code: "NOT_FOUND", message: `Room '${f.room}' does not exist.` });
    expect(unused).toEqual({ code: "NOT_FOUND", message: `Room '${never}' does not exist.` });
    for (const who of [undefined, stranger.token, f.users.banned.token]) {
      const res = await fetch(`${server.url}/api/messages/${f.room}/`, {
        headers: who ? { authorization: `Bearer ${who}` } : {},
      });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: `Room '${f.room}' does not exist.` });
    }
    const member = await fetch(`${server.url}/api/messages/${f.room}/`, {
      headers: { authorization: `Bearer ${f.users.member.token}` },
    });
    expect(member.status).toBe(200);
    expect(((await member.json()) as { messages: unknown[] }).messages).toHaveLength(3);
  });

  test("room.active never lists a private room; the room's members see it in room.mine, with a lock", async () => {
    const f = await fixture("private");
    const active = await f.users.nonmember.client.room.active.query({ limit: 50 });
    expect(active.map((r) => r.name)).not.toContain(f.room);
    const mine = await f.users.member.client.room.mine.query();
    expect(mine.find((r) => r.room === f.room)).toMatchObject({ visibility: "private", role: "member", direct: false });
    expect((await f.users.nonmember.client.room.mine.query()).map((r) => r.room)).not.toContain(f.room);
  });
});
