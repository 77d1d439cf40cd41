/**
 * Losing access holds for the deployment: two Parlor processes on one Redis and
 * one PostgreSQL. A member kicked on process A stops receiving on process B
 * within a second; a session ended on A closes its sockets on B.
 */
import { expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { describeWithServices, postgresService, redisService } from "../support/backends.ts";
import { useProcessPair } from "../support/process-pair.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

await describeWithServices("revocation across two processes", [postgresService, redisService], () => {
  const pair = useProcessPair();

  test("kicked on A, the member's open room.messages and room.presence on B end within a second; their resume on B is refused", async () => {
    const owner = await pair.a.signUp();
    const member = await pair.a.signUp();
    await owner.client.room.create.mutate({ room: "inner", visibility: "private" });
    await owner.client.room.invite.mutate({ room: "inner", username: member.username });
    const onB = pair.b.signedInAs(member.token);
    const stream = subscribeRoom(onB.client, { room: "inner" });
    let presenceError: string | null = null;
    let presenceStarted = false;
    const presence = onB.client.room.presence.subscribe(
      { room: "inner" },
      {
        onStarted: () => (presenceStarted = true),
        onError: (e) => (presenceError = e instanceof TRPCClientError ? `${e.data?.code}: ${e.message}` : String(e)),
      },
    );
    await stream.started;
    await waitFor(() => presenceStarted, "presence started on B");
    await owner.client.room.send.mutate({ room: "inner", text: "before" });
    await stream.waitForCount(1, 5000);

    const at = Date.now();
    await owner.client.room.kick.mutate({ room: "inner", username: member.username });
    await waitFor(() => stream.errors.length > 0 && presenceError !== null, "B's streams ended", 3000);
    expect(Date.now() - at).toBeLessThan(1000);
    expect(stream.errors.map((e) => `${e.data?.code}: ${e.message}`)).toEqual([
      "FORBIDDEN: You were removed from room 'inner'.",
    ]);
    expect(String(presenceError)).toBe("FORBIDDEN: You were removed from room 'inner'.");

    await owner.client.room.send.mutate({ room: "inner", text: "after" });
    const resumed = subscribeRoom(onB.client, { room: "inner", lastEventId: "1" });
    await waitFor(() => resumed.errors.length > 0, "resume refused");
    expect(resumed.errors[0]?.data?.code).toBe("NOT_FOUND");
    expect(stream.messages.map((m) => m.text)).toEqual(["before"]);
    presence.unsubscribe();
  }, 30_000);

  test("logout on A closes the session's sockets on B within a second, with close code 4001", async () => {
    const user = await pair.a.signUp();
    const codes: (number | undefined)[] = [];
    const onB = pair.b.signedInAs(user.token, { onClose: (cause) => codes.push(cause?.code) });
    const stream = subscribeRoom(onB.client, { room: "lobby" });
    await stream.started;
    const at = Date.now();
    await user.client.auth.logout.mutate();
    await waitFor(() => codes.length > 0, "B's socket closed", 3000);
    expect(Date.now() - at).toBeLessThan(1000);
    expect(codes[0]).toBe(4001);
    stream.unsubscribe();
  }, 30_000);

  test("banned on A right after sending on B (B remembers that they may post), their next send on B is FORBIDDEN, and a kicked member's send on B is NOT_FOUND", async () => {
    const owner = await pair.a.signUp();
    const member = await pair.a.signUp();
    const other = await pair.a.signUp();
    await owner.client.room.create.mutate({ room: "loud", visibility: "public" });
    await owner.client.room.create.mutate({ room: "inner2", visibility: "private" });
    await owner.client.room.invite.mutate({ room: "inner2", username: other.username });
    const memberOnB = pair.b.signedInAs(member.token);
    const otherOnB = pair.b.signedInAs(other.token);
    // Warm B's answer for (room, user): each may post.
    await memberOnB.client.room.send.mutate({ room: "loud", text: "one" });
    await otherOnB.client.room.send.mutate({ room: "inner2", text: "one" });

    await owner.client.room.ban.mutate({ room: "loud", username: member.username });
    await owner.client.room.kick.mutate({ room: "inner2", username: other.username });
    // The revocation travels over Redis: B acts on it at once, well before its remembered answer would expire (1 s).
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (e: unknown) => (e instanceof TRPCClientError ? String(e.data?.code) : String(e)),
      );
    const until = async (send: () => Promise<unknown>, code: string) => {
      const at = Date.now();
      let last = "";
      while (Date.now() - at < 500 && (last = await codeOf(send())) !== code) await Bun.sleep(20);
      return last;
    };
    expect(await until(() => memberOnB.client.room.send.mutate({ room: "loud", text: "again" }), "FORBIDDEN")).toBe(
      "FORBIDDEN",
    );
    expect(await until(() => otherOnB.client.room.send.mutate({ room: "inner2", text: "again" }), "NOT_FOUND")).toBe(
      "NOT_FOUND",
    );
  }, 30_000);
});
