/**
 * Presence across processes (issue 7): two Parlor processes on one Redis share who
 * is in a room and who is typing; a process killed with SIGKILL stops counting
 * its users within the TTL, because its heartbeats stop.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ParlorClient } from "@parlor/client";
import type { RoomPresence } from "../../shared/schemas.ts";
import {
  createPostgresSchema,
  describeWithServices,
  postgresService,
  redisService,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/backends.ts";
import { type ParlorProcess, startParlorProcess } from "../support/parlor-process.ts";
import { waitFor } from "../support/wait.ts";

const HEARTBEAT_MS = 200;
const TTL_MS = 800;

function watchPresence(client: ParlorClient, room: string) {
  const seen: RoomPresence[] = [];
  client.room.presence.subscribe({ room }, { onData: (p) => seen.push(p) });
  return { latest: () => seen.at(-1) };
}

await describeWithServices("presence across two processes", [postgresService, redisService], () => {
  let a: ParlorProcess;
  let b: ParlorProcess;
  let dropSchema: () => Promise<void>;
  beforeAll(async () => {
    const schema = await createPostgresSchema();
    dropSchema = schema.drop;
    const options = {
      database: schema.url,
      redis: { url: await testRedisUrl(), prefix: uniqueRedisPrefix() },
      env: { PRESENCE_HEARTBEAT_MS: String(HEARTBEAT_MS), PRESENCE_TTL_MS: String(TTL_MS) },
    };
    a = await startParlorProcess(options);
    b = await startParlorProcess(options);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await dropSchema();
  });

  test("each side sees the other's users and typing; a SIGKILLed process's users leave within the TTL", async () => {
    const [ann, ben] = await Promise.all([a.signUp(), b.signUp()]);
    const annSees = watchPresence(ann.client, "across");
    const benSees = watchPresence(ben.client, "across");
    const both = [ann.username, ben.username].sort().join();
    await waitFor(
      () => annSees.latest()?.users.join() === both && benSees.latest()?.users.join() === both,
      "both users on both processes",
      5000,
    );

    await ben.client.room.typing.mutate({ room: "across" });
    await waitFor(
      () => annSees.latest()?.typing.join() === ben.username,
      "ben typing, seen on the other process",
      5000,
    );

    await b.kill();
    const killedAt = Date.now();
    await waitFor(() => annSees.latest()?.users.join() === ann.username, "ben to leave after his process died", 10_000);
    // Gone within the TTL plus a heartbeat and a flush, not at some later sweep.
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS + 3 * HEARTBEAT_MS + 500);
  }, 30_000);
});
