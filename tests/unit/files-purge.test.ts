/**
 * Uploads nobody attached within 24 hours are purged (row and bytes), and can
 * no longer be attached or read by their uploader; attached ones stay. The
 * clock is the service's `now`, moved by the test.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createFiles } from "../../server/files/files.ts";
import { createLocalStorage } from "../../server/files/local-storage.ts";
import { attachUploads } from "../../server/files/repository.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { createProfiles } from "../../server/profiles/profiles.ts";
import { png } from "../support/files.ts";

const HOUR = 3600 * 1000;

test("an upload left unattached for 24 hours is purged with its bytes; an attached one stays", async () => {
  const db = createDb("sqlite::memory:");
  await migrateToLatest(db);
  const dir = mkdtempSync(join(tmpdir(), "parlor-purge-"));
  try {
    let clock = Date.parse("2026-12-01T12:00:00Z");
    const storage = createLocalStorage(dir);
    const limits = {
      maxUploadBytes: 1e6,
      uploadsPerDay: 100,
      uploadBytesPerDay: 1e9,
      uploadsInFlight: 2,
      uploadsInFlightPerUser: 2,
    };
    const files = createFiles({ db, storage, limits, mayRead: async () => true, now: () => clock });
    const user = await db
      .insertInto("user")
      .values({ username: "ann", password_hash: "x", created_at: new Date(clock).toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const userId = Number(user.id);
    const kept = await files.upload(userId, new File(["kept"], "kept.txt"));
    const left = await files.upload(userId, new File(["left"], "left.txt"));
    await db.insertInto("room").values({ name: "r", last_seq: 1, last_message_at: "", created_at: "" }).execute();
    const message = await db
      .insertInto("message")
      .values({ room: "r", seq: 1, sender_id: userId, text: "", created_at: "", client_id: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await attachUploads(db, { messageId: Number(message.id), uploaderId: userId, ids: [kept.id], now: clock });

    clock += 23 * HOUR;
    expect(await files.purge()).toBe(0);
    expect(await files.readable({ id: userId }, left.id)).not.toBeNull();

    clock += 2 * HOUR;
    expect(await files.readable({ id: userId }, left.id)).toBeNull();
    expect(await files.purge()).toBe(1);
    expect(await storage.exists(left.id)).toBe(false);
    expect(await storage.exists(kept.id)).toBe(true);
    expect((await db.selectFrom("upload").select("id").execute()).map((r) => r.id)).toEqual([kept.id]);
    // Past the window, the uploader cannot attach it either (here: it is gone; a row not yet purged is refused too).
    await expect(
      attachUploads(db, { messageId: Number(message.id), uploaderId: userId, ids: [left.id], now: clock }),
    ).rejects.toThrow("upload it again");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.destroy();
  }
});

test("an upload worn as an avatar outlives the 24-hour window and its message's delete, its thumbnail public; taken off, the purge removes it", async () => {
  const db = createDb("sqlite::memory:");
  await migrateToLatest(db);
  const dir = mkdtempSync(join(tmpdir(), "parlor-purge-"));
  const groups = createMemoryGroupLayer();
  try {
    let clock = Date.parse("2026-12-01T12:00:00Z");
    const storage = createLocalStorage(dir);
    const limits = {
      maxUploadBytes: 1e6,
      uploadsPerDay: 100,
      uploadBytesPerDay: 1e9,
      uploadsInFlight: 2,
      uploadsInFlightPerUser: 2,
    };
    const files = createFiles({ db, storage, limits, mayRead: async () => true, now: () => clock });
    const profiles = createProfiles({ db, groups, files });
    const user = await db
      .insertInto("user")
      .values({ username: "ann", password_hash: "x", created_at: new Date(clock).toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const userId = Number(user.id);
    // One worn while unattached, one worn after it was sent in a message that is then deleted.
    const loose = await files.upload(userId, new File([await png()], "loose.png"));
    const sent = await files.upload(userId, new File([await png()], "sent.png"));
    await db.insertInto("room").values({ name: "r", last_seq: 1, last_message_at: "", created_at: "" }).execute();
    const message = await db
      .insertInto("message")
      .values({ room: "r", seq: 1, sender_id: userId, text: "", created_at: "", client_id: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await attachUploads(db, { messageId: Number(message.id), uploaderId: userId, ids: [sent.id], now: clock });

    await profiles.update(userId, { avatar: sent.id });
    await db.updateTable("message").set({ deleted: 1 }).where("id", "=", Number(message.id)).execute();
    await files.discardMessage("r", 1);
    expect(await storage.exists(`${sent.id}.thumb`)).toBe(true);
    expect(await files.readable(null, sent.id, { thumbnail: true })).not.toBeNull();

    await profiles.update(userId, { avatar: loose.id });
    clock += 25 * 3600 * 1000;
    // `sent` is no one's avatar any more and its message is deleted: it goes; `loose` is worn: it stays.
    expect(await files.purge()).toBe(1);
    expect(await files.readable(null, loose.id, { thumbnail: true })).not.toBeNull();
    expect(await storage.exists(loose.id)).toBe(true);
    expect(await storage.exists(sent.id)).toBe(false);

    await profiles.update(userId, { avatar: null });
    expect(await files.readable(null, loose.id, { thumbnail: true })).toBeNull();
    expect(await files.purge()).toBe(1);
    expect(await storage.exists(loose.id)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await groups.close();
    await db.destroy();
  }
});
