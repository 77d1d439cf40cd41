/**
 * A removal that another process announced and this one missed (the
 * announcement lost in a Redis lag) is found by the re-check after the lag:
 * the stream ends with the same reason a live announcement gives.
 *
 * Regression: the re-check only asked "still allowed?", and ended every stream
 * it caught with "You were removed", a ban included.
 */
import { expect, test } from "bun:test";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { deleteMember, insertBan } from "../../server/rooms/repository.ts";
import { startTestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

test("after a lag, a member banned elsewhere sees 'You were banned', one kicked elsewhere 'You were removed'", async () => {
  const groups = createMemoryGroupLayer();
  await using server = await startTestServer({}, { groups });
  const { db } = server.app.services;
  const [owner, banned, kicked] = await Promise.all([server.signUp(), server.signUp(), server.signUp()]);
  await owner.client.room.create.mutate({ room: "vault", visibility: "private" });
  for (const member of [banned, kicked])
    await owner.client.room.invite.mutate({ room: "vault", username: member.username });
  const streams = [subscribeRoom(banned.client, { room: "vault" }), subscribeRoom(kicked.client, { room: "vault" })];
  await Promise.all(streams.map((s) => s.started));

  // What another process's ban and kick leave in the database; their announcements never arrive here.
  const id = async (username: string) =>
    (await db.selectFrom("user").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;
  const [ownerId, bannedId, kickedId] = await Promise.all([
    id(owner.username),
    id(banned.username),
    id(kicked.username),
  ]);
  await deleteMember(db, "vault", bannedId);
  await insertBan(db, "vault", bannedId, ownerId, new Date().toISOString());
  await deleteMember(db, "vault", kickedId);
  groups.lagAll();

  await waitFor(() => streams.every((s) => s.errors.length > 0), "both streams ended by the re-check");
  expect(streams.map((s) => s.errors.map((e) => `${e.data?.code}: ${e.message}`))).toEqual([
    ["FORBIDDEN: You were banned from room 'vault'."],
    ["FORBIDDEN: You were removed from room 'vault'."],
  ]);
});
