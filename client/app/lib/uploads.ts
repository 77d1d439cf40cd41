/**
 * The composer's files: each starts uploading as soon as it is attached,
 * shows its progress, can be cancelled (or removed once done), and says per
 * file why it failed. A file whose upload could not reach the server (offline)
 * is held, to go with the message through the outbox (outbox.ts), which
 * uploads it when the connection is back.
 *
 * Send waits for them: `settled()` resolves once none is uploading; then
 * `outgoing()` gives the files in the order attached, or why the message
 * cannot go yet (a file failed).
 */
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { type Attachment, MAX_ATTACHMENTS } from "../../../shared/schemas.ts";
import { UploadError } from "./upload-transport.ts";

export type UploadState = "uploading" | "done" | "failed" | "held";

export interface UploadItem {
  /** Stable for the item's life (keys the list). */
  readonly key: number;
  readonly file: Blob;
  readonly name: string;
  readonly size: number;
  readonly state: UploadState;
  /** Bytes sent so far. */
  readonly loaded: number;
  readonly attachment: Attachment | null;
  /** Why it failed; set when `state` is "failed". */
  readonly error: UploadError | null;
}

/** A file going with a message: uploaded already, or held to be uploaded by the outbox. */
export type OutgoingFile = { attachment: Attachment } | { file: Blob; name: string };

export type UploadFn = (opts: {
  file: Blob;
  name: string;
  onProgress: (loaded: number) => void;
  signal: AbortSignal;
}) => Promise<Attachment>;

export interface UploadsOptions {
  upload: UploadFn;
  /** Called whenever the items change (to redraw). */
  onChange?: (items: readonly UploadItem[]) => void;
  max?: number;
  /** The reader's language, for the notices and refusals (English by default). */
  t?: Translate;
}

export function createUploads({ upload, onChange, max = MAX_ATTACHMENTS, t = english }: UploadsOptions) {
  let items: UploadItem[] = [];
  let nextKey = 1;
  const inFlight = new Map<number, AbortController>();
  let waiters: Array<() => void> = [];

  function set(next: UploadItem[]) {
    items = next;
    onChange?.(items);
    if (inFlight.size === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  }

  function change(key: number, patch: Partial<UploadItem>) {
    if (items.some((i) => i.key === key)) set(items.map((i) => (i.key === key ? { ...i, ...patch } : i)));
  }

  function start(key: number, file: Blob, name: string) {
    const controller = new AbortController();
    inFlight.set(key, controller);
    upload({ file, name, signal: controller.signal, onProgress: (loaded) => change(key, { loaded }) }).then(
      (attachment) => {
        inFlight.delete(key);
        change(key, { state: "done", loaded: file.size, attachment });
      },
      (error: unknown) => {
        inFlight.delete(key);
        const failure = error instanceof UploadError ? error : new UploadError("unreachable");
        if (failure.kind === "cancelled") return set(items.filter((i) => i.key !== key));
        // No answer at all: kept, to be uploaded with the message when the connection is back.
        if (failure.kind === "unreachable") change(key, { state: "held", loaded: 0 });
        else change(key, { state: "failed", error: failure });
      },
    );
  }

  return {
    items: (): readonly UploadItem[] => items,
    /** Attaches files (dropped, pasted or picked); past the limit they are left out and the notice says so. */
    add(files: Iterable<File | { file: Blob; name: string }>): string | null {
      const list = [...files].map((f) => (f instanceof File ? { file: f as Blob, name: f.name || "file" } : f));
      const room = Math.max(0, max - items.length);
      const taken = list.slice(0, room).map((f) => ({
        key: nextKey++,
        file: f.file,
        name: f.name,
        size: f.file.size,
        state: "uploading" as const,
        loaded: 0,
        attachment: null,
        error: null,
      }));
      set([...items, ...taken]);
      for (const item of taken) start(item.key, item.file, item.name);
      return list.length > room ? t("files.tooMany", { count: max, left: list.length - room }) : null;
    },
    /** Cancels an upload in flight, or takes a file off the message. */
    remove(key: number): void {
      const controller = inFlight.get(key);
      inFlight.delete(key);
      set(items.filter((i) => i.key !== key));
      controller?.abort();
    },
    uploading: () => inFlight.size > 0,
    /** Resolves once no file is uploading. */
    settled(): Promise<void> {
      return inFlight.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    /** The files to send, in order; or why not yet. */
    outgoing(): { files: OutgoingFile[] } | { error: string } {
      if (inFlight.size > 0) return { error: t("files.stillUploading") };
      const failed = items.filter((i) => i.state === "failed");
      if (failed.length > 0)
        return {
          error: t("files.removeFailed", { names: failed.map((i) => i.name).join(", ") }),
        };
      return {
        files: items.map((i) => (i.attachment ? { attachment: i.attachment } : { file: i.file, name: i.name })),
      };
    },
    /** After the message went: the composer is empty again. */
    clear(): void {
      for (const controller of inFlight.values()) controller.abort();
      inFlight.clear();
      set([]);
    },
  };
}

export type Uploads = ReturnType<typeof createUploads>;
