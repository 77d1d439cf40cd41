/**
 * Signing out everywhere and changing the password hold for the deployment: two
 * Parlor processes on one Redis and one PostgreSQL. What ends on process A
 * closes its sockets on process B too (close code 4001), within a second; and
 * B, which keeps a session's lookup for a second, refuses its very next call.
 */
import { expect, test } from "bun:test";
import { describeWithServices, postgresService, redisService } from "../support/backends.ts";
import { outcome } from "../support/outcome.ts";
import { useProcessPair } from "../support/process-pair.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { quietFor, waitFor } from "../support/wait.ts";

const PASSWORD = "correct horse battery";

await describeWithServices("account sessions across two processes", [postgresService, redisService], () => {
  const pair = useProcessPair();

  /** A socket on B for this token, subscribed to a room, recording its close codes. */
  async function socketOnB(token: string) {
    const codes: (number | undefined)[] = [];
    const onB = pair.b.signedInAs(token, { onClose: (cause) => codes.push(cause?.code) });
    const stream = subscribeRoom(onB.client, { room: "lobby" });
    await stream.started;
    return { codes, stream };
  }

  test("logoutAll on A closes both of the user's sessions' sockets on B within a second (4001)", async () => {
    const user = await pair.a.signUp();
    const { token: phone } = await pair.a
      .guest()
      .client.auth.login.mutate({ username: user.username, password: PASSWORD });
    const [first, second] = [await socketOnB(user.token), await socketOnB(phone)];
    const at = Date.now();
    expect(await user.client.auth.logoutAll.mutate()).toEqual({ endedSessions: 2 });
    await waitFor(() => first.codes.length > 0 && second.codes.length > 0, "both sockets on B closed", 3000);
    expect(Date.now() - at).toBeLessThan(1000);
    expect([first.codes[0], second.codes[0]]).toEqual([4001, 4001]);
    first.stream.unsubscribe();
    second.stream.unsubscribe();
  }, 30_000);

  test("changePassword on A closes the other session's socket on B (4001) and leaves this session's socket on B open", async () => {
    const user = await pair.a.signUp();
    const { token: phone } = await pair.a
      .guest()
      .client.auth.login.mutate({ username: user.username, password: PASSWORD });
    const mine = await socketOnB(user.token);
    const other = await socketOnB(phone);
    expect(
      await user.client.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "another good password" }),
    ).toEqual({ endedSessions: 1 });
    await waitFor(() => other.codes.length > 0, "the other session's socket on B closed", 3000);
    expect(other.codes[0]).toBe(4001);
    // This session's socket on B is still there and still receives.
    await quietFor(200, () => mine.codes, "the close codes of this session's socket on B");
    expect(mine.codes).toEqual([]);
    await user.client.room.send.mutate({ room: "lobby", text: "still here" });
    await mine.stream.waitForCount(1, 5000);
    expect(mine.stream.messages.map((m) => m.text)).toEqual(["still here"]);
    mine.stream.unsubscribe();
    other.stream.unsubscribe();
  }, 30_000);

  // Each way a session ends on A, a few times: B had just looked the session up (and keeps that answer for a second).
  const endings = {
    logout: async (victim: ReturnType<typeof pair.a.signedInAs>) => void (await victim.client.auth.logout.mutate()),
    logoutAll: async (victim: ReturnType<typeof pair.a.signedInAs>) =>
      void (await victim.client.auth.logoutAll.mutate()),
    "endSession from another session": async (
      _victim: ReturnType<typeof pair.a.signedInAs>,
      other: ReturnType<typeof pair.a.signedInAs>,
    ) => {
      const listed = await other.client.auth.sessions.query();
      const id = listed.find((s) => !s.current)!.id;
      await other.client.auth.endSession.mutate({ id });
    },
    "a password change from another session": async (
      _victim: ReturnType<typeof pair.a.signedInAs>,
      other: ReturnType<typeof pair.a.signedInAs>,
    ) =>
      void (await other.client.auth.changePassword.mutate({
        currentPassword: PASSWORD,
        newPassword: `another good password ${Math.random()}`,
      })),
  };
  for (const [how, end] of Object.entries(endings)) {
    test(`${how} on A: the very next call of the ended session on B is UNAUTHORIZED, though B looked it up a moment before (3 tries)`, async () => {
      for (let round = 0; round < 3; round++) {
        const user = await pair.a.signUp();
        const { token: otherToken } = await pair.a
          .guest()
          .client.auth.login.mutate({ username: user.username, password: PASSWORD });
        const onB = pair.b.signedInAs(user.token);
        expect(await outcome(onB.client.auth.sessions.query())).toBe("OK");
        expect(await outcome(onB.client.auth.sessions.query())).toBe("OK");
        await end(pair.a.signedInAs(user.token), pair.a.signedInAs(otherToken));
        expect(await outcome(onB.client.auth.sessions.query())).toBe("UNAUTHORIZED");
      }
    }, 60_000);
  }
});
