/**
 * Private from the first second, on one process: a name nobody uses is
 * readable, so a guest or any signed-in user may watch it; the moment a private
 * room of that name is created, their streams of it end with the seam's answer
 * for a private room they cannot see, before anything of the room reaches them.
 * (Regression: the streams stayed open and delivered the member entries, every
 * message and the presence and typing of the new private room.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectShutOut, firstMomentsOfPrivateRoom, watchRoom } from "../support/room-narrowing.ts";
import { startTestServer, type TestServer, uniqueName } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

describe("a name becoming a private room", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  test("a guest's and a signed-in non-member's room.messages and room.presence of the unused name end with NOT_FOUND at its creation, having received nothing of the private room", async () => {
    const room = uniqueName("fresh");
    const owner = await server.signUp();
    const member = await server.signUp();
    const stranger = await server.signUp();
    const guestWatch = watchRoom(server.guest().client, room);
    const strangerWatch = watchRoom(stranger.client, room);
    await Promise.all([guestWatch.started, strangerWatch.started]);

    const moments = { room, owner, member, memberWatching: member.client };
    await firstMomentsOfPrivateRoom(moments);
    await expectShutOut(guestWatch, moments);
    await expectShutOut(strangerWatch, moments);
  }, 30_000);

  test("the owner's own streams of the name, opened before they created it, go on: the room is theirs", async () => {
    const room = uniqueName("mine");
    const owner = await server.signUp();
    const member = await server.signUp();
    const ownWatch = watchRoom(owner.client, room);
    await ownWatch.started;
    await firstMomentsOfPrivateRoom({ room, owner, member, memberWatching: member.client });
    await waitFor(
      () => ownWatch.entries.some((e) => e.kind === "message" && e.message.text === "first secret"),
      "the owner received their message",
    );
    expect({ messages: ownWatch.messagesEnd, presence: ownWatch.presenceEnd }).toEqual({
      messages: null,
      presence: null,
    });
    ownWatch.stop();
  }, 30_000);
});
