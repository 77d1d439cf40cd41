/**
 * Properties of the room log, on every database: for random sequences of sends,
 * edits, deletes and reactions by several users (refused ones included),
 *   1. folding the room's entries from seq 1 gives exactly what history returns;
 *   2. a subscriber that leaves at a random point and resumes from the last seq
 *      it saw ends in the same state as one that never left.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import type { Db } from "../../db/index.ts";
import { createUser } from "../../server/auth/index.ts";
import { entriesBetween, lastSeq } from "../../server/chat/log-reader.ts";
import { createRoomLog, type RoomLog } from "../../server/chat/room-log.ts";
import { DomainError } from "../../server/errors/domain-errors.ts";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { foldEntries } from "../../shared/room-log.ts";
import type { Message, RoomEntry } from "../../shared/schemas.ts";
import { databaseBackends, describeEach, type TestDb } from "../support/backends.ts";

// Few emoji and few targets, so that the same reaction is often added, removed and added again.
const EMOJI = ["👍", "🎉"];

type Op =
  | { kind: "send"; user: number; text: string; replyTo: number | null }
  | { kind: "edit"; user: number; target: number; text: string }
  | { kind: "delete"; user: number; target: number }
  | { kind: "react"; user: number; target: number; emoji: number; add: boolean };

const user = fc.integer({ min: 0, max: 2 });
const target = fc.nat(3);
const text = fc.constantFrom("hi", "hello", "edited", "same", "🙂 ok");
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("send" as const),
      user,
      text,
      replyTo: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: target }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("edit" as const), user, target, text }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), user, target }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("react" as const),
      user,
      target,
      emoji: fc.nat(EMOJI.length - 1),
      add: fc.boolean(),
    }),
  },
);

await describeEach("room log properties", databaseBackends, (backend) => {
  let env: TestDb & { dispose(): Promise<void> };
  let db: Db;
  let groups: GroupLayer;
  let log: RoomLog;
  let users: { id: number; username: string }[];
  let roomCounter = 0;
  const runs = backend.name === "postgres" ? 25 : 50;

  beforeAll(async () => {
    env = await backend.create();
    db = env.db;
    groups = createMemoryGroupLayer();
    log = createRoomLog({ db, groups });
    users = [];
    for (const name of ["ann", "ben", "cat"])
      users.push(await createUser(db, { username: name, password: `password-${name}` }));
  });
  afterAll(async () => {
    await log.close();
    await groups.close();
    await env.dispose();
  });

  /** Applies the ops to a room (its first two messages sent first); refusals (forbidden, deleted, unknown) are part of the game. */
  async function play(room: string, ops: Op[], sent: number[] = []): Promise<void> {
    if (!sent.length)
      for (const author of users.slice(0, 2))
        sent.push((await log.send(author, { room, text: "opening" })).message.seq);
    const pick = (i: number) => (sent.length ? sent[i % sent.length]! : 1);
    for (const o of ops) {
      const author = users[o.user]!;
      try {
        if (o.kind === "send") {
          const { message } = await log.send(author, {
            room,
            text: o.text,
            replyTo: o.replyTo === null ? undefined : pick(o.replyTo),
          });
          sent.push(message.seq);
        } else if (o.kind === "edit") await log.edit(author, { room, seq: pick(o.target), text: o.text });
        else if (o.kind === "delete") await log.delete(author, { room, seq: pick(o.target) });
        else await log.react(author, { room, seq: pick(o.target), emoji: EMOJI[o.emoji]!, add: o.add });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
  }

  async function fullHistory(room: string): Promise<Message[]> {
    const all: Message[] = [];
    let before: number | undefined;
    do {
      const page = await log.history({ room, before, limit: 7 });
      all.push(...page.messages);
      before = page.nextCursor ?? undefined;
    } while (before !== undefined);
    return all;
  }

  const fold = (entries: RoomEntry[]) => [...foldEntries(new Map(), entries).values()].sort((a, b) => b.seq - a.seq);

  test("folding the entries from seq 1 gives exactly what room history returns", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 15, maxLength: 40 }), async (ops) => {
        const room = `fold${++roomCounter}`;
        await play(room, ops);
        const entries = await entriesBetween(db, { room, after: 0, upTo: await lastSeq(db, room) });
        // Gapless: 1, 2, 3, … in commit order.
        expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
        expect(fold(entries)).toEqual(await fullHistory(room));
      }),
      { numRuns: runs },
    );
  });

  test("a subscriber that leaves at a random point and resumes ends with the state of one that never left", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 10, maxLength: 30 }),
        fc.array(op, { minLength: 5, maxLength: 30 }),
        fc.nat(40),
        async (first, second, leaveAfter) => {
          const room = `resume${++roomCounter}`;
          const stay = new AbortController();
          const stayer = await log.stream({ room, after: 0, signal: stay.signal, map: (e: RoomEntry) => e });
          const leave = new AbortController();
          const leaver = await log.stream({ room, after: 0, signal: leave.signal, map: (e: RoomEntry) => e });
          const sent: number[] = [];
          await play(room, first, sent);
          // The leaver reads part of what was sent, then its connection drops.
          const seen: RoomEntry[] = [];
          const reachable = await lastSeq(db, room);
          while (seen.length < Math.min(leaveAfter, reachable)) seen.push((await leaver.next()).value as RoomEntry);
          leave.abort();
          await leaver.return(undefined);
          await play(room, second, sent);
          const newest = await lastSeq(db, room);
          const resume = new AbortController();
          const resumed = await log.stream({
            room,
            after: seen.at(-1)?.seq ?? 0,
            signal: resume.signal,
            map: (e: RoomEntry) => e,
          });
          while ((seen.at(-1)?.seq ?? 0) < newest) seen.push((await resumed.next()).value as RoomEntry);
          const stayed: RoomEntry[] = [];
          while ((stayed.at(-1)?.seq ?? 0) < newest) stayed.push((await stayer.next()).value as RoomEntry);
          stay.abort();
          resume.abort();
          await Promise.all([stayer.return(undefined), resumed.return(undefined)]);
          // Exactly once each, in order, on both sides.
          expect(seen.map((e) => e.seq)).toEqual(stayed.map((e) => e.seq));
          expect(fold(seen)).toEqual(fold(stayed));
          expect(fold(seen)).toEqual(await fullHistory(room));
        },
      ),
      { numRuns: runs },
    );
  });
});
