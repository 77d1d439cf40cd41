/**
 * Session lookups by token (server/auth/session-lookups.ts): a connect burst
 * costs one query per session, not per connect, and no kept answer outlives the
 * end of its session — here (logout, logoutAll, a password change, endSession)
 * or announced from elsewhere (`sessionsEnded`), even within the second it is kept.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { type Auth, createAuth, storedSessionId } from "../../server/auth/index.ts";
import { createSessionLookups } from "../../server/auth/session-lookups.ts";
import { publicSessionId } from "../../server/auth/session-store.ts";

let db: Db;
let auth: Auth;
let sessionReads = 0;
beforeEach(async () => {
  sessionReads = 0;
  db = createDb("sqlite::memory:", {
    onQuery: (sql) => void (/^select .* from "session"/.test(sql) && sessionReads++),
  });
  await migrateToLatest(db);
  // Kept for a minute here, so a slow machine cannot turn the burst into two; the window itself is tested below with a clock.
  auth = createAuth(db, { secureCookies: false, sessionLookupKeepMs: 60_000 });
});
afterEach(() => db.destroy());

const PASSWORD = "correct horse";

describe("session lookups", () => {
  test("a burst of 1,000 lookups of 10 users' tokens reads each session once", async () => {
    const users = await Promise.all(
      Array.from({ length: 10 }, (_, i) => auth.register({ username: `u${i}`, password: PASSWORD })),
    );
    sessionReads = 0;
    // Half at once (sharing the lookup in flight), half just after (answered from what was kept).
    const first = await Promise.all(Array.from({ length: 500 }, (_, i) => auth.validate(users[i % 10]!.token)));
    const second = await Promise.all(Array.from({ length: 500 }, (_, i) => auth.validate(users[i % 10]!.token)));
    expect([...first, ...second].map((s) => s?.user.username)).toEqual(
      Array.from({ length: 1000 }, (_, i) => `u${i % 10}`),
    );
    expect(sessionReads).toBe(10);
  });

  for (const [how, end] of [
    ["logout", (ann: { token: string; user: { id: number } }) => auth.logout(ann.token)],
    ["logoutAll", (ann: { token: string; user: { id: number } }) => auth.logoutAll(ann.user.id)],
    [
      "endSession",
      (ann: { token: string; user: { id: number } }) =>
        auth.endSession(ann.user.id, publicSessionId(storedSessionId(ann.token))),
    ],
    [
      "a password change from another session",
      async (ann: { token: string; user: { id: number } }) => {
        const other = (await auth.login({ username: "ann", password: PASSWORD }))!;
        await auth.changePassword(ann.user.id, other.token, {
          currentPassword: PASSWORD,
          newPassword: "another good one",
        });
      },
    ],
  ] as const) {
    test(`${how}: the very next lookup of the ended session answers nobody, though its answer was kept a moment before`, async () => {
      const ann = await auth.register({ username: "ann", password: PASSWORD });
      expect((await auth.validate(ann.token))?.user.username).toBe("ann");
      expect((await auth.validate(ann.token))?.user.username).toBe("ann"); // kept
      await end(ann);
      expect(await auth.validate(ann.token)).toBeNull();
    });
  }

  test("a session ended by another process (deleted there, announced here) answers nobody at the next lookup, though its answer was kept", async () => {
    const ann = await auth.register({ username: "ann", password: PASSWORD });
    expect(await auth.validate(ann.token)).not.toBeNull();
    await db.deleteFrom("session").where("id", "=", storedSessionId(ann.token)).execute();
    auth.sessionsEnded();
    expect(await auth.validate(ann.token)).toBeNull();
  });

  test("a lookup that read the session before an ending was heard answers its own caller, but nobody after the ending", async () => {
    const answers: PromiseWithResolvers<{ expiresAt: Date } | null>[] = [];
    const lookups = createSessionLookups(() => {
      answers.push(Promise.withResolvers());
      return answers.at(-1)!.promise;
    });
    const before = lookups.get("t");
    lookups.clear();
    // It read the session as standing, before the ending: its answer comes back after the clear.
    answers[0]!.resolve({ expiresAt: new Date(Date.now() + 60_000) });
    expect(await before).not.toBeNull();
    const after = lookups.get("t");
    expect(answers).toHaveLength(2);
    answers[1]!.resolve(null);
    expect(await after).toBeNull();
  });

  test("an answer is kept for a second from when its query began, never past the session's expiry, and never for a fresh lookup", async () => {
    let clock = 0;
    let reads = 0;
    const lookups = createSessionLookups(async (token: string) => (reads++, { token, expiresAt: new Date(1500) }), {
      now: () => clock,
    });
    await lookups.get("t");
    clock = 999;
    await lookups.get("t");
    expect(reads).toBe(1);
    await lookups.get("t", true);
    expect(reads).toBe(2);
    clock = 1000;
    await lookups.get("t"); // kept from 999 (the fresh lookup's start) until 1500, its expiry
    expect(reads).toBe(2);
    clock = 1500;
    await lookups.get("t");
    expect(reads).toBe(3);
  });
});
