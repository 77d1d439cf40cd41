/**
 * Faults (SECURITY.md, promise 11): a SIGTERM drains and exits cleanly, a
 * SIGKILL loses no acknowledged message, and clients reconnect by themselves
 * and catch up with no gap and no duplicate.
 */
import { expect, test } from "bun:test";
import { createParlorClient, createParlorSocket } from "@parlor/client";
import { startParlorProcess } from "../support/parlor-process.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { quietFor } from "../support/wait.ts";

test("SIGTERM drains and exits 0; SIGKILL keeps every acknowledged message; the subscriber resumes across both with every message once, in order", async () => {
  // Its SQLite file (the fixture's default database) is kept across its restarts.
  await using server = await startParlorProcess();
  const url = server.url;
  const guest = createParlorClient({ url });
  const { token } = await guest.auth.register.mutate({ username: "ann", password: "ann's password" });
  const ann = createParlorClient({ url, token });
  const socket = createParlorSocket({ url, keepOpen: true });
  const ben = subscribeRoom(createParlorClient({ url, socket }), { room: "durable" });
  await ben.started;

  const acknowledged: number[] = [];
  const send = async (text: string) => acknowledged.push((await ann.room.send.mutate({ room: "durable", text })).seq);

  for (let i = 1; i <= 5; i++) await send(`m${i}`);
  await ben.waitForCount(5);

  // Graceful stop: clients are told to reconnect, the process exits by itself.
  expect(await server.stop()).toBe(0);
  await server.restart();
  for (let i = 6; i <= 8; i++) await send(`m${i}`);
  await ben.waitForCount(8, 15_000);

  // A crash right after acknowledgements: what was acknowledged is on disk.
  for (let i = 9; i <= 12; i++) await send(`m${i}`);
  expect(await server.kill()).not.toBe(0);
  await server.restart();
  const history = await createParlorClient({ url }).room.history.query({ room: "durable", limit: 100 });
  expect(history.messages.map((m) => m.seq).reverse()).toEqual(acknowledged);

  await send("m13");
  await ben.waitForCount(13, 15_000);
  await quietFor(100, () => ben.messages.length, "the messages ben received");
  expect(ben.messages.map((m) => m.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  expect(ben.errors).toEqual([]);
  await socket.close();
  expect(await server.stop()).toBe(0);
}, 60_000);
