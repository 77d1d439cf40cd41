/**
 * Promise 13 (SECURITY.md): under connection churn nothing accumulates.
 * Rounds of clients connect, subscribe, receive, and leave; afterwards open
 * connections, group listeners, file descriptors and memory are back to their
 * baseline. Bounded: two minutes by default (PARLOR_SOAK_SECONDS for shorter or longer runs).
 */

import { heapStats } from "bun:jsc";
import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { createParlorClient, createParlorSocket } from "@parlor/client";
import { roomGroup } from "../../shared/schemas.ts";
import { startTestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

const SECONDS = Number(process.env.PARLOR_SOAK_SECONDS ?? 120);
const ROOMS = ["soak-a", "soak-b", "soak-c", "soak-d"];
const CLIENTS_PER_ROUND = 24;

const openFds = () => readdirSync("/proc/self/fd").length;
const settledRss = () => {
  Bun.gc(true);
  return process.memoryUsage().rss;
};
/** Live JavaScript objects after a full collection: what a leak would grow. */
const liveObjects = () => {
  Bun.gc(true);
  return heapStats().objectCount;
};

test(
  `connection churn for ${SECONDS} s leaves connections, listeners, file descriptors and memory at baseline`,
  async () => {
    await using server = await startTestServer({ SEND_BURST: "1000000", SEND_PER_SECOND: "1000000" });
    const ann = await server.signUp("ann");
    const { groups } = server.app.services;

    const round = async (r: number) => {
      const sockets = Array.from({ length: CLIENTS_PER_ROUND }, () =>
        createParlorSocket({ url: server.url, keepOpen: true }),
      );
      const subs = sockets.map((socket, i) =>
        subscribeRoom(createParlorClient({ url: server.url, socket }), { room: ROOMS[i % ROOMS.length]! }),
      );
      await Promise.all(subs.map((s) => s.started));
      for (const room of ROOMS) await ann.client.room.send.mutate({ room, text: `round ${r}` });
      await Promise.all(subs.map((s) => s.waitForCount(1)));
      for (const s of subs) expect(s.messages.map((m) => m.text)).toEqual([`round ${r}`]);
      // Half leave politely, half just drop.
      for (const [i, s] of subs.entries()) if (i % 2 === 0) s.unsubscribe();
      await Promise.all(sockets.map((s) => s.close()));
    };

    const settle = () =>
      waitFor(
        () => server.app.connectionCount() === 0 && ROOMS.every((r) => groups.subscriberCount(roomGroup(r)) === 0),
        "every connection and listener to be released",
        5000,
      );

    await round(0); // warm-up: first-use allocations are not leaks
    await settle();
    const baseline = { fds: openFds(), rss: settledRss(), objects: liveObjects() };

    let rounds = 0;
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end && rounds < 10_000) await round(++rounds);
    await settle();

    expect(rounds).toBeGreaterThan(3);
    expect(server.app.connectionCount()).toBe(0);
    for (const room of ROOMS) expect(groups.subscriberCount(roomGroup(room))).toBe(0);
    await waitFor(
      () => openFds() <= baseline.fds + 4,
      `file descriptors back near ${baseline.fds} (now ${openFds()})`,
      5000,
    );
    // Memory: live objects are what a leak grows (each round leaves ~24 connections' worth if
    // anything is kept). RSS only gets a loose bound: the allocator keeps freed pages.
    expect(liveObjects()).toBeLessThan(baseline.objects * 1.05 + 2000);
    expect(settledRss() - baseline.rss).toBeLessThan(96 * 1024 * 1024);
    console.log(
      `soak: ${rounds} rounds × ${CLIENTS_PER_ROUND} clients; fds ${baseline.fds} → ${openFds()}; ` +
        `RSS ${(baseline.rss / 2 ** 20).toFixed(0)} → ${(settledRss() / 2 ** 20).toFixed(0)} MiB; live objects ${baseline.objects} → ${liveObjects()}`,
    );
  },
  (SECONDS + 30) * 1000,
);
