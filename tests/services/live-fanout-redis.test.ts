/**
 * With the Redis layer, caught-up subscribers ride Bun's topic publish too, and
 * what they get is what the database holds: every sent message once, in order,
 * and a forged event published straight into Redis reaches nobody.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
import { roomGroup } from "../../shared/schemas.ts";
import { describeWithServices, redisService, testRedisUrl, uniqueRedisPrefix } from "../support/backends.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

await describeWithServices("live fan-out on the Redis layer", [redisService], () => {
  let server: TestServer;
  let prefix: string;
  let url: string;
  beforeAll(async () => {
    url = await testRedisUrl();
    prefix = uniqueRedisPrefix();
    server = await startTestServer({
      WORKERS: "1",
      REDIS_URL: url,
      REDIS_PREFIX: prefix,
      SEND_BURST: "1000",
      SEND_PER_SECOND: "1000",
    });
  });
  afterAll(() => server.stop());

  test("caught-up subscribers ride the topic publish; a forged event reaches none of them", async () => {
    const ann = await server.signUp("ann");
    const subs = Array.from({ length: 3 }, () => subscribeRoom(server.guest().client, { room: "hall" }));
    await Promise.all(subs.map((s) => s.started));
    await ann.client.room.send.mutate({ room: "hall", text: "first" });
    await ann.client.room.send.mutate({ room: "hall", text: "second" });
    await waitFor(() => server.app.liveMembers(roomGroup("hall")) === 3, "every subscriber to ride");
    const forger = new Redis(url);
    try {
      const forged = {
        type: "entry",
        room: "hall",
        entry: {
          kind: "message",
          seq: 3,
          message: {
            id: 999,
            room: "hall",
            seq: 3,
            sender: "ann",
            text: "forged",
            timestamp: new Date().toISOString(),
            editedAt: null,
            deleted: false,
            reactions: [],
            attachments: [],
            replyTo: null,
          },
        },
      };
      await forger.publish(`${prefix}${roomGroup("hall")}`, JSON.stringify(forged));
    } finally {
      forger.disconnect();
    }
    for (let i = 0; i < 10; i++) await ann.client.room.send.mutate({ room: "hall", text: `m${i}` });
    for (const s of subs) await s.waitForCount(12);
    for (const s of subs) {
      expect(s.messages.map((m) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(s.messages.map((m) => m.text)).not.toContain("forged");
    }
    expect(server.app.liveMembers(roomGroup("hall"))).toBe(3);
  });
});
