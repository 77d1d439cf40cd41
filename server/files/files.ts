/**
 * The file service: uploads (checked, sniffed, cleaned, stored, counted), who
 * may read a file (asked of the rooms seam at request time: every process
 * answers the same, a kick or a ban counts at once), and the purge of what
 * nobody may read any more. Knows no transport: it throws domain errors.
 */
import type { Db } from "../../db/index.ts";
import type { Attachment } from "../../shared/schemas.ts";
import { InvalidRequestError, PayloadTooLargeError, TooManyRequestsError } from "../errors/domain-errors.ts";
import { UPLOAD_ATTACH_WINDOW_MS } from "../limits/defaults.ts";
import { createSemaphore } from "../limits/semaphore.ts";
import { cleanFileName } from "./file-name.ts";
import { processImage } from "./images.ts";
import * as repo from "./repository.ts";
import { PROCESSED_IMAGES, sniffType } from "./sniff.ts";
import type { Storage } from "./storage.ts";

export interface FileLimits {
  maxUploadBytes: number;
  uploadsPerDay: number;
  uploadBytesPerDay: number;
  /** Uploads read and stored at once by this process; the rest wait (unread). */
  uploadsInFlight: number;
  /** Uploads of one user running or waiting at once; more are refused. */
  uploadsInFlightPerUser: number;
}

export interface FilesOptions {
  db: Db;
  storage: Storage;
  limits: FileLimits;
  /** Whether `user` (null: a guest) may read `room` now: the rooms seam. */
  mayRead: (room: string, user: { id: number } | null) => Promise<boolean>;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
  log?: { error(fields: object, message: string): void };
}

/** A file someone may read, and how to answer for it. */
export interface Readable {
  upload: repo.UploadRow;
  /** Whether only some people may read it (a private room, or not attached yet): `Cache-Control: private`. */
  restricted: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
/** Rows looked at per purge step. */
const PURGE_BATCH = 500;

/**
 * 24 random bytes as base64url (192 bits) after a letter: 33 characters. The letter keeps an
 * id from starting with "-", which a command line would take for an option (`parlor download <id>`).
 */
const newId = () => `f${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url")}`;

export function createFiles({ db, storage, limits, mayRead, now = Date.now, log }: FilesOptions) {
  const processing = createSemaphore(limits.uploadsInFlight);
  const perUser = new Map<number, number>();

  async function removeStored(rows: readonly repo.UploadRow[]): Promise<void> {
    for (const r of rows) {
      for (const key of [r.storage_key, r.thumbnail_key]) {
        if (key === null) continue;
        // A key left behind is only disk space: the row (and so every read) is gone already.
        await storage.delete(key).catch((error) => log?.error({ err: error, key }, "removing a stored file failed"));
      }
    }
  }

  /**
   * The upload `id` if `user` (null: a guest) may read it now, else null —
   * whether it exists or not: an attached file for whoever may read its
   * message's room (and not once the message is deleted), an unattached one
   * for its uploader only, within the attach window. The `thumbnail` of an
   * upload someone wears as their avatar is for anyone.
   */
  async function readable(
    user: { id: number } | null,
    id: string,
    { thumbnail = false } = {},
  ): Promise<Readable | null> {
    const found = await repo.findUploadForRead(db, id);
    if (!found) return null;
    const { room, deleted, avatar, ...upload } = found;
    // Someone's avatar: its thumbnail is their face, public like their name (the file itself is not).
    if (thumbnail && Number(avatar) === 1 && upload.thumbnail_key !== null) return { upload, restricted: false };
    if (upload.message_id === null) {
      const mine =
        user !== null &&
        Number(upload.uploader_id) === user.id &&
        Number(upload.created_at) > now() - UPLOAD_ATTACH_WINDOW_MS;
      return mine ? { upload, restricted: true } : null;
    }
    if (room === null || Number(deleted) === 1) return null;
    if (!(await mayRead(room, user))) return null;
    // Whether a guest could read it says whether the room is public.
    const restricted = user === null ? false : !(await mayRead(room, null));
    return { upload, restricted };
  }

  return {
    /**
     * A place for one upload of `userId`: call before its body is read, and the
     * returned function once it is done. Beyond UPLOADS_IN_FLIGHT_PER_USER of
     * theirs it refuses at once; beyond UPLOADS_IN_FLIGHT in the process it
     * waits, the body unread (Bun does not buffer an unread body).
     */
    async admit(userId: number): Promise<() => void> {
      const mine = perUser.get(userId) ?? 0;
      if (mine >= limits.uploadsInFlightPerUser)
        throw new TooManyRequestsError(
          `At most ${limits.uploadsInFlightPerUser} uploads at once: wait for one to finish.`,
          { reason: "uploadsAtOnce", params: { count: limits.uploadsInFlightPerUser } },
        );
      perUser.set(userId, mine + 1);
      const leave = () => {
        const n = (perUser.get(userId) ?? 1) - 1;
        if (n <= 0) perUser.delete(userId);
        else perUser.set(userId, n);
      };
      try {
        const release = await processing.acquire();
        return () => {
          release();
          leave();
        };
      } catch (error) {
        leave();
        throw error;
      }
    },

    /** Uploads holding a place now (running or waiting): tests, metrics. */
    inFlight: () => [...perUser.values()].reduce((a, b) => a + b, 0),

    /** Stores `file` as `userId`'s upload; what a message then attaches by its id. */
    async upload(userId: number, file: unknown): Promise<Attachment> {
      if (!(file instanceof Blob)) throw new InvalidRequestError("Send the file as the form field 'file'.");
      if (file.size > limits.maxUploadBytes)
        throw new PayloadTooLargeError(`A file is at most ${limits.maxUploadBytes} bytes (this one is ${file.size}).`);
      if (file.size === 0) throw new InvalidRequestError("The file is empty.", { reason: "fileEmpty" });
      const used = await repo.uploadedSince(db, userId, now() - DAY_MS);
      if (used.count >= limits.uploadsPerDay)
        throw new TooManyRequestsError(`At most ${limits.uploadsPerDay} files a day: try again later.`, {
          reason: "uploadsPerDay",
          params: { count: limits.uploadsPerDay },
        });
      if (used.bytes + file.size > limits.uploadBytesPerDay)
        throw new TooManyRequestsError(`At most ${limits.uploadBytesPerDay} bytes of files a day: try again later.`, {
          reason: "uploadBytesPerDay",
        });

      const type = await sniffType(file);
      const id = newId();
      const name = cleanFileName(file instanceof File ? file.name : "");
      let data: Blob | Uint8Array = file;
      let image: { width: number; height: number; thumbnail: Uint8Array } | null = null;
      if (PROCESSED_IMAGES.has(type)) {
        const processed = await processImage(await file.bytes(), type as "image/jpeg");
        data = processed.data;
        image = processed;
      }
      const row: repo.UploadRow = {
        id,
        uploader_id: userId,
        name,
        type,
        size: data instanceof Blob ? data.size : data.byteLength,
        width: image?.width ?? null,
        height: image?.height ?? null,
        storage_key: id,
        thumbnail_key: image ? `${id}.thumb` : null,
        created_at: now(),
        message_id: null,
        position: null,
      };
      try {
        await storage.write(row.storage_key, data);
        if (image) await storage.write(row.thumbnail_key!, image.thumbnail);
        await repo.insertUpload(db, row);
      } catch (error) {
        await removeStored([row]);
        throw error;
      }
      return repo.toAttachment(row);
    },

    readable,

    /**
     * Whether upload `id` may become `userId`'s avatar: theirs, an image with a
     * thumbnail, and readable by them now (unattached within the window, or on a
     * message not deleted). Once worn, the purge and a message's delete keep it.
     */
    async mayWear(userId: number, id: string): Promise<boolean> {
      const found = await repo.findUploadForRead(db, id);
      if (!found || Number(found.uploader_id) !== userId || found.thumbnail_key === null) return false;
      return (await readable({ id: userId }, id)) !== null;
    },

    /** Where an upload's bytes (or its thumbnail's) are read from. */
    storage,

    /** After a message was deleted: its files leave storage (every read refuses them already). */
    async discardMessage(room: string, seq: number): Promise<void> {
      const rows = await repo.uploadsOfMessage(db, room, seq);
      if (rows.length === 0) return;
      await repo.deleteUploads(
        db,
        rows.map((r) => r.id),
      );
      await removeStored(rows);
    },

    /** Removes what nobody may read any more: unattached uploads past the window, files of deleted messages. Returns how many. */
    async purge(): Promise<number> {
      let total = 0;
      for (;;) {
        const rows = await repo.unreadableUploads(db, now(), PURGE_BATCH);
        if (rows.length === 0) return total;
        await repo.deleteUploads(
          db,
          rows.map((r) => r.id),
        );
        await removeStored(rows);
        total += rows.length;
        if (rows.length < PURGE_BATCH) return total;
      }
    },
  };
}

export type Files = ReturnType<typeof createFiles>;
