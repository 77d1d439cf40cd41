/**
 * The bytes of a queued message's files typed offline: held in a HeldFileStore
 * (IndexedDB in the browser) under the outbox's key, uploaded first when the
 * message goes out, each id recorded in the entry as it comes so a retry does
 * not upload it again.
 */
import { english } from "../../../shared/i18n/index.ts";
import type { EntryStore, OutboxEntry, OutboxFile } from "./outbox-store.ts";
import { UploadError } from "./upload-transport.ts";
import type { OutgoingFile } from "./uploads.ts";

/** Where the bytes of files typed offline wait (IndexedDB in the browser: held-files.ts; tests pass a Map). */
export interface HeldFileStore {
  put(key: string, file: Blob): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  delete(key: string): Promise<void>;
}

/** Where the bytes wait, and the upload (attachment.upload). */
export interface OutboxFiles {
  store: HeldFileStore;
  upload: (file: Blob, name: string) => Promise<{ id: string }>;
}

export class FilesNotKeptError extends Error {
  override name = "FilesNotKeptError";
  constructor() {
    super(english("outbox.filesNotKept"));
  }
}

export function createHeldFiles(outboxKey: string, entries: EntryStore, files: OutboxFiles | undefined) {
  /** Where the bytes of file `index` of entry `clientId` wait; under the outbox's key, so forgetting a user's outboxes finds them. */
  const heldKey = (clientId: string, index: number) => `${outboxKey}:${clientId}:${index}`;
  return {
    /** Keeps the bytes of the files not uploaded yet; returns the entry's file list. Throws FilesNotKeptError (nothing kept) when it cannot. */
    async keep(clientId: string, outgoing: readonly OutgoingFile[]): Promise<OutboxFile[]> {
      const kept: string[] = [];
      try {
        for (const [index, file] of outgoing.entries()) {
          if ("attachment" in file) continue;
          if (!files) throw new FilesNotKeptError();
          await files.store.put(heldKey(clientId, index), file.file);
          kept.push(heldKey(clientId, index));
        }
      } catch {
        for (const k of kept) void files?.store.delete(k).catch(() => {});
        throw new FilesNotKeptError();
      }
      return outgoing.map(
        (f): OutboxFile =>
          "attachment" in f
            ? { name: f.attachment.name, size: f.attachment.size, id: f.attachment.id }
            : { name: f.name, size: f.file.size },
      );
    },

    /** Uploads the files of `entry` still held on this device, in order, recording each id as it comes; returns all the ids. */
    async upload(entry: OutboxEntry): Promise<string[] | undefined> {
      if (!entry.files?.length) return undefined;
      const ids: string[] = [];
      for (const [index, file] of entry.files.entries()) {
        if (file.id !== undefined) {
          ids.push(file.id);
          continue;
        }
        const held = await files?.store.get(heldKey(entry.clientId, index)).catch(() => undefined);
        if (!files || !held) throw new UploadError("refused", (t) => t("files.notKeptHere", { name: file.name }));
        const { id } = await files.upload(held, file.name);
        entries.update(entry.clientId, (e) => ({
          ...e,
          files: e.files?.map((f, i) => (i === index ? { ...f, id } : f)),
        }));
        await files.store.delete(heldKey(entry.clientId, index)).catch(() => {});
        ids.push(id);
      }
      return ids;
    },

    /** Drops the bytes still held for `entry` (discarded). */
    forget(entry: OutboxEntry | undefined): void {
      entry?.files?.forEach((file, index) => {
        if (file.id === undefined) void files?.store.delete(heldKey(entry.clientId, index)).catch(() => {});
      });
    },
  };
}
