/**
 * Property (fast-check): whatever sequence of creates, invitations, kicks, bans,
 * unbans, leaves, role changes and messages random users make, no read path —
 * history, the live stream (resuming from "0"), presence, info, members, search
 * (by name and across rooms), the REST history — ever gives a private room's content to someone the database
 * does not hold as its member. The router is called through tRPC's own caller,
 * middleware and all, on a real app with a real database.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createParlorApp, type ParlorApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { getRoomMessages } from "../../server/http/messages-route.ts";
import type { Context } from "../../server/trpc/context.ts";
import { appRouter } from "../../server/trpc/router.ts";
import type { User } from "../../shared/schemas.ts";

const USERS = ["ann", "ben", "cat", "dan"];
const ROOMS = ["vault", "den"];

type Op =
  | { kind: "create"; actor: number; room: number }
  | { kind: "invite" | "kick" | "ban" | "unban" | "promote" | "demote"; actor: number; target: number; room: number }
  | { kind: "leave" | "send"; actor: number; room: number };

const actor = fc.nat(USERS.length - 1);
const room = fc.nat(ROOMS.length - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), actor, room }),
  fc.record({
    kind: fc.constantFrom(
      "invite" as const,
      "kick" as const,
      "ban" as const,
      "unban" as const,
      "promote" as const,
      "demote" as const,
    ),
    actor,
    target: actor,
    room,
  }),
  fc.record({ kind: fc.constantFrom("leave" as const, "send" as const), actor, room }),
);

let app: ParlorApp;
let users: { user: User; token: string }[];
let run = 0;

beforeAll(async () => {
  const config = loadConfig({
    DATABASE_URL: "sqlite::memory:",
    NODE_ENV: "test",
    SEND_BURST: "100000",
    INVITES_PER_MINUTE: "100000",
    PRIVATE_ROOMS_PER_DAY: "100000",
    ROOM_CREATE_BURST: "100000",
    SEARCH_BURST: "100000",
    SEARCH_BURST_PER_IP: "100000",
  });
  app = await createParlorApp(config);
  users = [];
  for (const username of USERS)
    users.push(await app.services.auth.register({ username, password: `password of ${username}` }));
});
afterAll(() => app.close());

const contextOf = (u: { user: User; token: string }): Context => ({
  services: app.services,
  user: u.user,
  token: u.token,
  ip: "127.0.0.1",
  resHeaders: null,
  connection: null,
});
const callerOf = (u: { user: User; token: string }) => appRouter.createCaller(contextOf(u));

/** What the database says: is `userId` a member of `room`, and is `room` private? */
async function truth(roomName: string, userId: number) {
  const db = app.services.db;
  const r = await db.selectFrom("room").select("visibility").where("name", "=", roomName).executeTakeFirst();
  const m = await db
    .selectFrom("room_member")
    .select("role")
    .where("room", "=", roomName)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return { exists: r !== undefined, private: r?.visibility === "private", member: m !== undefined };
}

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** The first thing a subscription yields, or "OK" if it started and stayed quiet. */
async function firstOf(iterable: Promise<AsyncIterable<unknown>>): Promise<{ code: string; got: unknown }> {
  try {
    const it = (await iterable)[Symbol.asyncIterator]();
    const next = await Promise.race([it.next(), Bun.sleep(5).then(() => null)]);
    await it.return?.();
    return { code: "OK", got: next && !next.done ? next.value : undefined };
  } catch (error) {
    return { code: (error as { code?: string }).code ?? String(error), got: undefined };
  }
}

async function apply(o: Op, names: string[]): Promise<void> {
  const me = callerOf(users[o.actor]!);
  const r = names[o.room]!;
  const target = "target" in o ? USERS[o.target]! : "";
  const calls: Record<Op["kind"], () => Promise<unknown>> = {
    create: () => me.room.create({ room: r, visibility: "private" }),
    invite: () => me.room.invite({ room: r, username: target }),
    kick: () => me.room.kick({ room: r, username: target }),
    ban: () => me.room.ban({ room: r, username: target }),
    unban: () => me.room.unban({ room: r, username: target }),
    promote: () => me.room.setRole({ room: r, username: target, role: "moderator" }),
    demote: () => me.room.setRole({ room: r, username: target, role: "member" }),
    leave: () => me.room.leave({ room: r }),
    send: () => me.room.send({ room: r, text: `secret from ${USERS[o.actor]}` }),
  };
  await codeOf(calls[o.kind]);
}

describe("private rooms stay private", () => {
  test("no sequence of membership changes lets a non-member read a private room by any path", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const names = ROOMS.map((r) => `${r}${++run}`);
        for (const o of ops) {
          await apply(o, names);
          for (const name of names) {
            for (const u of users) {
              const t = await truth(name, u.user.id);
              if (!t.private || t.member) continue;
              const c = callerOf(u);
              // Every read path answers as for a name never used, and yields nothing.
              expect(await codeOf(() => c.room.history({ room: name }))).toBe("NOT_FOUND");
              expect(await codeOf(() => c.room.info({ room: name }))).toBe("NOT_FOUND");
              expect(await codeOf(() => c.room.members({ room: name }))).toBe("NOT_FOUND");
              expect(await firstOf(c.room.messages({ room: name, lastEventId: "0" }))).toEqual({
                code: "NOT_FOUND",
                got: undefined,
              });
              expect(await firstOf(c.room.presence({ room: name }))).toEqual({ code: "NOT_FOUND", got: undefined });
              // Search: NOT_FOUND for the room by name, and no hit from it across rooms.
              expect(await codeOf(() => c.room.search({ query: "secret", room: name }))).toBe("NOT_FOUND");
              expect((await c.room.search({ query: "secret" })).results.filter((m) => m.room === name)).toEqual([]);
              expect((await getRoomMessages(app.services, u.user, name, {})).status).toBe(404);
              expect((await getRoomMessages(app.services, null, name, {})).status).toBe(404);
            }
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});
