/** db/prepared.ts: a query compiled once runs with each call's own parameters. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { directStatements, readerStatements } from "../../db/in-process.ts";
import { createDb } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { prepare, prepareRows } from "../../db/prepared.ts";

const db = createDb("sqlite::memory:");
await migrateToLatest(db);
afterAll(() => db.destroy());

test("each call binds its own values, also where one value is used twice; constants stay", async () => {
  const upsert = prepare((d, name: string, at: string) =>
    d
      .insertInto("room")
      .values({ name, last_seq: 7, last_message_at: at })
      .onConflict((oc) => oc.column("name").doUpdateSet({ last_message_at: at }))
      .returning(["name", "last_seq", "last_message_at"]),
  );
  expect((await upsert(db, "a", "t1")).rows).toEqual([{ name: "a", last_seq: 7, last_message_at: "t1" }]);
  expect((await upsert(db, "b", "t2")).rows).toEqual([{ name: "b", last_seq: 7, last_message_at: "t2" }]);
  expect((await upsert(db, "a", "t3")).rows).toEqual([{ name: "a", last_seq: 7, last_message_at: "t3" }]);
});

test("runs inside a transaction with the same compiled query", async () => {
  const count = prepare((d, name: string) =>
    d
      .selectFrom("room")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("name", "=", name),
  );
  await db.transaction().execute(async (trx) => {
    expect(Number((await count(trx, "a")).rows[0]!.n)).toBe(1);
  });
  expect(Number((await count(db, "nope")).rows[0]!.n)).toBe(0);
});

test("a parameter the query never binds is refused when the query is first built", async () => {
  const wrong = prepare((d, _unused: string) => d.selectFrom("room").selectAll());
  await expect(wrong(db, "x")).rejects.toThrow("parameter 0 of the query is never bound");
});

test("prepareRows: each row count compiles once and binds each row's own values, constants staying", async () => {
  const insertRooms = prepareRows(["name", "last_message_at"], (d, rows: { name: string; last_message_at: string }[]) =>
    d
      .insertInto("room")
      .values(rows.map((r) => ({ ...r, last_seq: 3 })))
      .returning(["name", "last_seq", "last_message_at"]),
  );
  expect(
    (
      await insertRooms(db, [
        { name: "r1", last_message_at: "t1" },
        { name: "r2", last_message_at: "t2" },
      ])
    ).rows,
  ).toEqual([
    { name: "r1", last_seq: 3, last_message_at: "t1" },
    { name: "r2", last_seq: 3, last_message_at: "t2" },
  ]);
  // The same row count again (its compiled statement reused), then another count.
  expect(
    (
      await insertRooms(db, [
        { name: "r3", last_message_at: "t3" },
        { name: "r4", last_message_at: "t4" },
      ])
    ).rows.map((r) => r.name),
  ).toEqual(["r3", "r4"]);
  expect((await insertRooms(db, [{ name: "r5", last_message_at: "t5" }])).rows).toEqual([
    { name: "r5", last_seq: 3, last_message_at: "t5" },
  ]);
});

test("in a SQLite transaction a prepared statement runs on the connection directly: it sees the transaction's rows, a rollback takes them back, and a read outside waits for the commit", async () => {
  const file = createDb("sqlite::memory:");
  await migrateToLatest(file);
  expect(directStatements(file)).toBeUndefined();
  const named = prepare((d, name: string) => d.selectFrom("room").select("name").where("name", "=", name));
  const rename = prepare((d, from: string, to: string) =>
    d.updateTable("room").set({ name: to }).where("name", "=", from),
  );
  const add = prepare((d, name: string) => d.insertInto("room").values({ name, last_seq: 0, last_message_at: "t" }));
  await expect(
    file.transaction().execute(async (trx) => {
      expect(directStatements(trx)).toBeDefined();
      expect((await add(trx, "gone")).numAffectedRows).toBe(1n);
      expect((await named(trx, "gone")).rows).toEqual([{ name: "gone" }]);
      throw new Error("roll back");
    }),
  ).rejects.toThrow("roll back");
  expect((await named(file, "gone")).rows).toEqual([]);

  let outside: Promise<unknown> | undefined;
  await file.transaction().execute(async (trx) => {
    await add(trx, "kept");
    outside = named(file, "kept2").then((r) => r.rows);
    await Bun.sleep(5);
    expect((await rename(trx, "kept", "kept2")).numAffectedRows).toBe(1n);
  });
  // Run after the commit, not inside the transaction it found open: it sees the renamed row.
  expect(await outside).toEqual([{ name: "kept2" }]);
  await file.destroy();
});

test("onReader on a SQLite file: outside a transaction it reads committed rows on the read connection without waiting for one in progress; inside, the transaction's own rows", async () => {
  const dir = mkdtempSync(join(tmpdir(), "parlor-prepared-"));
  const file = createDb(`sqlite:${join(dir, "p.db")}`);
  await migrateToLatest(file);
  expect(readerStatements(file)).toBeDefined();
  const named = prepare((d, name: string) => d.selectFrom("room").select("name").where("name", "like", name), {
    onReader: true,
  });
  const add = prepare((d, name: string) => d.insertInto("room").values({ name, last_seq: 0, last_message_at: "t" }));
  await add(file, "before");
  const order: string[] = [];
  let outside: Promise<unknown> | undefined;
  await file.transaction().execute(async (trx) => {
    expect(readerStatements(trx)).toBeUndefined();
    await add(trx, "during");
    expect((await named(trx, "%")).rows).toEqual([{ name: "before" }, { name: "during" }]);
    outside = named(file, "%").then((r) => {
      order.push("read");
      return r.rows;
    });
    await outside;
    order.push("commit");
  });
  expect(order).toEqual(["read", "commit"]);
  expect(await outside).toEqual([{ name: "before" }]);
  expect((await named(file, "%")).rows).toEqual([{ name: "before" }, { name: "during" }]);
  await file.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test("onReader on :memory: (no read connection) waits for the transaction in progress, and sees its rows", async () => {
  expect(readerStatements(db)).toBeUndefined();
  const named = prepare((d, name: string) => d.selectFrom("room").select("name").where("name", "=", name), {
    onReader: true,
  });
  const add = prepare((d, name: string) => d.insertInto("room").values({ name, last_seq: 0, last_message_at: "t" }));
  const order: string[] = [];
  let outside: Promise<unknown> | undefined;
  await db.transaction().execute(async (trx) => {
    await add(trx, "memory-during");
    outside = named(db, "memory-during").then((r) => {
      order.push("read");
      return r.rows;
    });
    order.push("commit");
  });
  expect(await outside).toEqual([{ name: "memory-during" }]);
  expect(order).toEqual(["commit", "read"]);
});
