/** The session queries beyond Lucia's adapter, on SQLite and PostgreSQL alike; and the sweep's timer. */
import { expect, test } from "bun:test";
import { createAuth, storedSessionId as hashToken } from "../../server/auth/index.ts";
import { startSessionSweep, sweepIntervalMs } from "../../server/sessions/session-sweep.ts";
import { databaseBackends, describeEach } from "../support/backends.ts";
import { quietFor, waitFor } from "../support/wait.ts";

await describeEach("session store", databaseBackends, (backend) => {
  test("ann's three sessions list current first with dated, safe ids; a password change ends the two others; logoutAll the rest; ben is untouched", async () => {
    const env = await backend.create();
    try {
      const auth = createAuth(env.db, { secureCookies: false });
      const ann = await auth.register({ username: "ann", password: "correct horse" });
      const ben = await auth.register({ username: "ben", password: "correct horse" });
      const laptop = (await auth.login({ username: "ann", password: "correct horse" }))!;
      const phone = (await auth.login({ username: "ann", password: "correct horse" }))!;

      const list = await auth.sessions(ann.user.id, laptop.token);
      expect(list).toHaveLength(3);
      expect(list[0]!.current).toBe(true);
      expect(list.filter((s) => s.current)).toHaveLength(1);
      for (const s of list) {
        expect(s.id).toMatch(/^[0-9a-f]{16}$/);
        expect(Number.isNaN(Date.parse(s.createdAt!))).toBe(false);
        expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now());
      }
      const keys = [ann.token, laptop.token, phone.token].map(hashToken);
      expect(list.some((s) => keys.some((k) => k.startsWith(s.id)))).toBe(false);

      expect(
        await auth.changePassword(ann.user.id, laptop.token, {
          currentPassword: "wrong password",
          newPassword: "new password",
        }),
      ).toBeNull();
      const changed = await auth.changePassword(ann.user.id, laptop.token, {
        currentPassword: "correct horse",
        newPassword: "new password",
      });
      expect(new Set(changed?.endedSessions)).toEqual(new Set([ann.token, phone.token].map(hashToken)));
      expect(await auth.validate(phone.token)).toBeNull();
      expect((await auth.validate(laptop.token))?.user.username).toBe("ann");
      expect(await auth.login({ username: "ann", password: "correct horse" })).toBeNull();

      expect(await auth.logoutAll(ann.user.id)).toEqual([hashToken(laptop.token)]);
      expect(await auth.validate(laptop.token)).toBeNull();
      expect((await auth.validate(ben.token))?.user.username).toBe("ben");
    } finally {
      await env.dispose();
    }
  });

  test("overlapping lookups of one token share one answer, and a lookup that starts after a logout, or after sessions ended elsewhere, reads afresh", async () => {
    const env = await backend.create();
    try {
      const auth = createAuth(env.db, { secureCookies: false });
      const ann = await auth.register({ username: "ann", password: "correct horse" });
      const first = auth.validate(ann.token);
      expect(auth.validate(ann.token)).toBe(first);
      expect((await first)?.user.username).toBe("ann");
      // In flight when the session ends: nobody who asks afterwards joins it.
      const before = auth.validate(ann.token);
      await auth.logout(ann.token);
      const after = auth.validate(ann.token);
      expect(after).not.toBe(before);
      expect(await after).toBeNull();

      const laptop = (await auth.login({ username: "ann", password: "correct horse" }))!;
      const pending = auth.validate(laptop.token);
      // Another process ended it (the control channel's sessions-ended): deleted there, announced here.
      await env.db.deleteFrom("session").where("id", "=", hashToken(laptop.token)).execute();
      auth.sessionsEnded();
      const fresh = auth.validate(laptop.token);
      expect(fresh).not.toBe(pending);
      expect(await fresh).toBeNull();
    } finally {
      await env.dispose();
    }
  });

  test("purgeExpired deletes sessions past their expiry, never presented again, and keeps live ones", async () => {
    const env = await backend.create();
    try {
      const auth = createAuth(env.db, { secureCookies: false });
      const live = await auth.register({ username: "ann", password: "correct horse" });
      const stale = (await auth.login({ username: "ann", password: "correct horse" }))!;
      await env.db
        .updateTable("session")
        .set({ expires_at: Date.now() - 1000 })
        .where("id", "=", hashToken(stale.token))
        .execute();
      expect(await auth.purgeExpired()).toBe(1);
      const ids = (await env.db.selectFrom("session").select("id").execute()).map((r) => r.id);
      expect(ids).toEqual([hashToken(live.token)]);
    } finally {
      await env.dispose();
    }
  });

  test("standing names, of 2,500 stored keys (more than one query takes), exactly those of sessions that exist and have not expired", async () => {
    const env = await backend.create();
    try {
      const auth = createAuth(env.db, { secureCookies: false });
      const live = await auth.register({ username: "ann", password: "correct horse" });
      const stale = (await auth.login({ username: "ann", password: "correct horse" }))!;
      const ended = (await auth.login({ username: "ann", password: "correct horse" }))!;
      await env.db
        .updateTable("session")
        .set({ expires_at: Date.now() - 1000 })
        .where("id", "=", hashToken(stale.token))
        .execute();
      await auth.logout(ended.token);
      const unknown = Array.from({ length: 2497 }, (_, i) => hashToken(`never issued ${i}`));
      // The live one last: past the first query's thousand keys.
      const asked = [...unknown, hashToken(stale.token), hashToken(ended.token), hashToken(live.token)];
      expect(await auth.standing(asked)).toEqual(new Set([hashToken(live.token)]));
      expect(await auth.standing([])).toEqual(new Set());
    } finally {
      await env.dispose();
    }
  });
});

test("the sweep runs every interval until stopped, then never again", async () => {
  let purges = 0;
  const sweep = startSessionSweep({ purge: async () => ++purges, intervalMs: 20 });
  await waitFor(() => sweep.runs >= 3, "three sweeps");
  await sweep.stop();
  const after = purges;
  await quietFor(100, () => purges, "the purges run");
  expect(purges).toBe(after);
});

test("a failing sweep is reported and the next one still runs", async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const sweep = startSessionSweep({
    purge: async () => {
      if (++calls === 1) throw new Error("database away");
      return 0;
    },
    intervalMs: 20,
    onError: (e) => errors.push(e),
  });
  await waitFor(() => sweep.runs >= 2, "two sweeps");
  await sweep.stop();
  expect(errors.map((e) => (e as Error).message)).toEqual(["database away"]);
});

test("the sweep interval is the session lifetime, between 1 s and 1 hour", () => {
  expect([sweepIntervalMs(0.2), sweepIntervalMs(1), sweepIntervalMs(600), sweepIntervalMs(30 * 24 * 3600)]).toEqual([
    1_000, 1_000, 600_000, 3_600_000,
  ]);
});
