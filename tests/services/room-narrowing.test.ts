/**
 * Private from the first second, for the deployment: two Parlor processes on one
 * Redis and one PostgreSQL. Guests and a signed-in non-member watch an unused
 * name on both processes; the owner creates a private room of that name on A,
 * invites a member, who watches it on B, is present and types; the owner sends.
 * Every outsider's streams, on A and on B, end with NOT_FOUND, and none received
 * an entry, a presence or a typing of the private room. (Regression: the streams
 * stayed open on both processes and delivered all of it.)
 */
import { test } from "bun:test";
import { describeWithServices, postgresService, redisService } from "../support/backends.ts";
import { useProcessPair } from "../support/process-pair.ts";
import { expectShutOut, firstMomentsOfPrivateRoom, watchRoom } from "../support/room-narrowing.ts";
import { uniqueName } from "../support/server.ts";

await describeWithServices(
  "a name becoming a private room, across two processes",
  [postgresService, redisService],
  () => {
    const pair = useProcessPair();

    test("created on A: guests' and a non-member's room.messages and room.presence of the name, on A and on B, end with NOT_FOUND, having received nothing of the private room", async () => {
      const room = uniqueName("fresh");
      const owner = await pair.a.signUp();
      const member = await pair.a.signUp();
      const stranger = await pair.a.signUp();
      const outsiders = [
        watchRoom(pair.a.guest().client, room),
        watchRoom(pair.b.guest().client, room),
        watchRoom(pair.a.signedInAs(stranger.token).client, room),
        watchRoom(pair.b.signedInAs(stranger.token).client, room),
      ];
      await Promise.all(outsiders.map((w) => w.started));

      const moments = { room, owner, member, memberWatching: pair.b.signedInAs(member.token).client };
      await firstMomentsOfPrivateRoom(moments);
      for (const watch of outsiders) await expectShutOut(watch, moments);
    }, 60_000);
  },
);
