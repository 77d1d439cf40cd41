/**
 * The web app's files, below the components: sizes in human units, how an
 * attachment shows, the composer's upload queue (progress, cancel, an error
 * per file, Send waiting for uploads) and the outbox carrying files typed
 * offline (uploaded on flush, in order, once).
 */
import { describe, expect, test } from "bun:test";
import { fileKind, splitAttachments, stepWithin, thumbnailSize } from "../../client/app/lib/attachment-view.ts";
import { createComposerState } from "../../client/app/lib/composer-state.ts";
import { formatFileSize } from "../../client/app/lib/file-size.ts";
import {
  classifySendError,
  createOutbox,
  FilesNotKeptError,
  type HeldFileStore,
  type KeyValueStorage,
  type OutboxSend,
} from "../../client/app/lib/outbox.ts";
import { UploadError } from "../../client/app/lib/upload-transport.ts";
import { createUploads, type OutgoingFile, type UploadFn } from "../../client/app/lib/uploads.ts";
import type { Attachment } from "../../shared/schemas.ts";

const attachment = (name: string, extra: Partial<Attachment> = {}): Attachment => {
  const id = `id_${name.replace(/[^A-Za-z0-9]/g, "")}`.padEnd(16, "0");
  return {
    id,
    name,
    type: "application/octet-stream",
    size: 10,
    width: null,
    height: null,
    url: `/files/${id}/${name}`,
    thumbnailUrl: null,
    ...extra,
  };
};

/** An upload the test finishes by hand: progress, success, failure, and whether it was aborted. */
function manualUploads() {
  const calls: Array<{
    name: string;
    progress: (n: number) => void;
    resolve: (a: Attachment) => void;
    reject: (e: unknown) => void;
    signal: AbortSignal;
  }> = [];
  const upload: UploadFn = ({ file: _file, name, onProgress, signal }) =>
    new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new UploadError("cancelled")));
      calls.push({ name, progress: onProgress, resolve, reject, signal });
    });
  return { upload, calls, call: (name: string) => calls.find((c) => c.name === name)! };
}

const file = (name: string, bytes = 10) => new File([new Uint8Array(bytes)], name);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("formatFileSize", () => {
  test("bytes, then KB, MB, GB in units of 1024, one decimal below 10", () => {
    expect(
      [0, 512, 1023, 1024, 1536, 10 * 1024, 25 * 1024 * 1024, 1.25 * 1024 ** 3, 1023.99 * 1024].map(formatFileSize),
    ).toEqual(["0 B", "512 B", "1023 B", "1 KB", "1.5 KB", "10 KB", "25 MB", "1.3 GB", "1 MB"]);
  });
});

describe("attachment-view", () => {
  test("a thumbnail keeps the image's proportions inside 320 × 240 and is never enlarged", () => {
    expect(thumbnailSize(4000, 3000)).toEqual({ width: 320, height: 240 });
    expect(thumbnailSize(1000, 4000)).toEqual({ width: 60, height: 240 });
    expect(thumbnailSize(100, 50)).toEqual({ width: 100, height: 50 });
  });

  test("images (measured, with a thumbnail) and other files are told apart, each in the order given", () => {
    const photo = attachment("a.png", { type: "image/png", width: 10, height: 10, thumbnailUrl: "/files/x/thumbnail" });
    const pdf = attachment("b.pdf", { type: "application/pdf" });
    const second = attachment("c.jpg", { type: "image/jpeg", width: 5, height: 5, thumbnailUrl: "/files/y/thumbnail" });
    const svg = attachment("d.svg", { type: "application/octet-stream" });
    expect(splitAttachments([photo, pdf, second, svg])).toEqual({
      images: [photo, second] as never,
      files: [pdf, svg],
    });
  });

  test("the icon's kind comes from the sniffed type", () => {
    expect(
      [
        "application/pdf",
        "audio/ogg",
        "video/mp4",
        "application/zip",
        "text/plain; charset=utf-8",
        "application/octet-stream",
      ].map(fileKind),
    ).toEqual(["pdf", "audio", "video", "archive", "text", "file"]);
  });

  test("the lightbox's arrows stop at the first and last image", () => {
    expect([stepWithin(0, -1, 3), stepWithin(0, 1, 3), stepWithin(2, 1, 3)]).toEqual([0, 1, 2]);
  });
});

describe("createUploads", () => {
  test("each file uploads at once with its progress; done files give their attachments in the order attached", async () => {
    const { upload, call } = manualUploads();
    const uploads = createUploads({ upload });
    uploads.add([file("one.txt", 100), file("two.txt", 50)]);
    expect(uploads.items().map((i) => `${i.name}:${i.state}`)).toEqual(["one.txt:uploading", "two.txt:uploading"]);
    call("one.txt").progress(40);
    expect(uploads.items()[0]!.loaded).toBe(40);
    call("two.txt").resolve(attachment("two.txt"));
    call("one.txt").resolve(attachment("one.txt"));
    await uploads.settled();
    expect(uploads.outgoing()).toEqual({
      files: [{ attachment: attachment("one.txt") }, { attachment: attachment("two.txt") }],
    });
  });

  test("cancel aborts the upload in flight and takes the file off", async () => {
    const { upload, call } = manualUploads();
    const uploads = createUploads({ upload });
    uploads.add([file("big.iso")]);
    uploads.remove(uploads.items()[0]!.key);
    expect(call("big.iso").signal.aborted).toBe(true);
    await tick();
    expect(uploads.items()).toEqual([]);
    expect(uploads.uploading()).toBe(false);
  });

  test("a refusal shows on its file with its kind; an unreachable server holds the file for the outbox", async () => {
    const { upload, call } = manualUploads();
    const uploads = createUploads({ upload });
    uploads.add([file("huge.bin"), file("offline.png"), file("quota.txt")]);
    call("huge.bin").reject(new UploadError("too-big"));
    call("offline.png").reject(new UploadError("unreachable"));
    call("quota.txt").reject(new UploadError("quota"));
    await uploads.settled();
    expect(uploads.items().map((i) => [i.name, i.state, i.error?.kind ?? null])).toEqual([
      ["huge.bin", "failed", "too-big"],
      ["offline.png", "held", null],
      ["quota.txt", "failed", "quota"],
    ]);
    expect(uploads.outgoing()).toEqual({
      error: "Remove the files that could not be uploaded (huge.bin, quota.txt), then send.",
    });
    for (const item of uploads.items().filter((i) => i.state === "failed")) uploads.remove(item.key);
    const held = uploads.outgoing() as { files: OutgoingFile[] };
    expect(held.files).toEqual([{ file: expect.any(Blob), name: "offline.png" }]);
  });

  test("at most 10 files on a message: the rest are left out, and the notice says how many", () => {
    const uploads = createUploads({ upload: manualUploads().upload });
    expect(uploads.add(Array.from({ length: 8 }, (_, i) => file(`${i}.txt`)))).toBeNull();
    expect(uploads.add([file("a"), file("b"), file("c")])).toBe("A message has at most 10 files: 1 left out.");
    expect(uploads.items()).toHaveLength(10);
  });
});

describe("the composer with files", () => {
  function composer(queue?: (text: string, files: readonly OutgoingFile[]) => Promise<unknown>) {
    const { upload, call } = manualUploads();
    const sent: Array<{ text: string; files: readonly OutgoingFile[] }> = [];
    const send = queue ?? (async (text: string, files: readonly OutgoingFile[]) => void sent.push({ text, files }));
    const state = createComposerState({
      send,
      reply: async () => {},
      edit: async () => {},
      messages: () => [],
      self: () => "ann",
      upload,
    });
    return { state, call, sent };
  }

  test("Send while a file uploads waits for it, then sends the message with it once; the text may be empty", async () => {
    const { state, call, sent } = composer();
    state.attach([file("shot.png")]);
    const submitted = state.submit();
    expect(state.waiting()).toBe(true);
    // A second Enter while waiting sends nothing more.
    await state.submit();
    expect(sent).toEqual([]);
    call("shot.png").resolve(attachment("shot.png"));
    await submitted;
    expect(sent).toEqual([{ text: "", files: [{ attachment: attachment("shot.png") }] }]);
    expect(state.files()).toEqual([]);
    expect(state.waiting()).toBe(false);
  });

  test("a file that failed keeps the message back and says why; the draft and files stay", async () => {
    const { state, call, sent } = composer();
    state.input("look");
    state.attach([file("evil.exe")]);
    call("evil.exe").reject(new UploadError("refused"));
    await state.submit();
    expect(sent).toEqual([]);
    expect(state.error()).toBe("Remove the files that could not be uploaded (evil.exe), then send.");
    expect(state.text()).toBe("look");
    expect(state.files().map((f) => f.error?.message)).toEqual([
      "This file cannot be sent (its type is not accepted, or the image is too large to process).",
    ]);
  });

  test("a message that cannot be queued (files not kept offline) says so plainly and keeps everything", async () => {
    const { state, call } = composer(() => Promise.reject(new FilesNotKeptError()));
    state.input("offline photo");
    state.attach([file("p.jpg")]);
    call("p.jpg").reject(new UploadError("unreachable"));
    await state.submit();
    expect(state.error()).toBe(new FilesNotKeptError().message);
    expect(state.text()).toBe("offline photo");
    expect(state.files().map((f) => f.state)).toEqual(["held"]);
  });
});

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

class MemoryFiles implements HeldFileStore {
  readonly blobs = new Map<string, Blob>();
  failPuts = false;
  put = async (key: string, file: Blob) => {
    if (this.failPuts) throw new Error("QuotaExceededError");
    this.blobs.set(key, file);
  };
  get = async (key: string) => this.blobs.get(key);
  delete = async (key: string) => void this.blobs.delete(key);
}

describe("the outbox with files typed offline", () => {
  function setup() {
    const storage = new MemoryStorage();
    const store = new MemoryFiles();
    const log: string[] = [];
    /** `sendsLost`: that many sends get no answer (the network drops between the upload and the send). */
    const server = { down: true, refuseUploads: false, sendsLost: 0 };
    let n = 0;
    const upload = async (file: Blob, name: string) => {
      if (server.down) throw new UploadError("unreachable");
      if (server.refuseUploads) throw new UploadError("too-big");
      log.push(`upload ${name} (${file.size} B)`);
      return { id: `upload-${++n}` };
    };
    const send = async (entry: OutboxSend) => {
      if (server.down) throw new TypeError("Failed to fetch");
      if (server.sendsLost > 0 && server.sendsLost--) throw new TypeError("Failed to fetch");
      log.push(`send ${entry.text} [${entry.attachments?.join(",") ?? ""}]`);
      return entry;
    };
    const outbox = createOutbox({
      storage,
      user: "ann",
      room: "lobby",
      send,
      files: { store, upload },
      classify: classifySendError,
      retryDelayMs: () => 60_000,
      online: () => false,
    });
    return { outbox, store, log, server, storage };
  }

  test("its files are uploaded when the server is back, then the message is sent with their ids, in order with the rest, once", async () => {
    const { outbox, store, log, server } = setup();
    outbox.add("before");
    await outbox.addWithFiles("with files", undefined, [
      { attachment: attachment("early.txt") },
      { file: new Blob(["12345"]), name: "late.png" },
    ]);
    outbox.add("after");
    await outbox.flush();
    expect(log).toEqual([]);
    expect(store.blobs.size).toBe(1);
    expect(outbox.entries()[1]!.files).toEqual([
      { name: "early.txt", size: 10, id: attachment("early.txt").id },
      { name: "late.png", size: 5 },
    ]);

    server.down = false;
    await outbox.flush();
    await outbox.flush();
    expect(log).toEqual([
      "send before []",
      "upload late.png (5 B)",
      `send with files [${attachment("early.txt").id},upload-1]`,
      "send after []",
    ]);
    expect(outbox.entries()).toEqual([]);
    expect(store.blobs.size).toBe(0);
  });

  test("an uploaded file's id is kept in the entry: a send that gets no answer does not upload it again", async () => {
    const { outbox, log, server } = setup();
    await outbox.addWithFiles("", undefined, [{ file: new Blob(["x"]), name: "a.txt" }]);
    await outbox.flush();
    server.down = false;
    server.sendsLost = 1;
    await outbox.flush();
    expect(outbox.entries()[0]!.files).toEqual([{ name: "a.txt", size: 1, id: "upload-1" }]);
    await outbox.flush();
    expect(log).toEqual(["upload a.txt (1 B)", "send  [upload-1]"]);
    expect(outbox.entries()).toEqual([]);
  });

  test("a refused upload (too big) marks the message 'not sent' with the reason; later messages go on", async () => {
    const { outbox, log, server } = setup();
    await outbox.addWithFiles("big", undefined, [{ file: new Blob(["x"]), name: "big.iso" }]);
    outbox.add("next");
    await outbox.flush();
    server.down = false;
    server.refuseUploads = true;
    await outbox.flush();
    expect(outbox.entries().map((e) => [e.text, e.state, e.reason])).toEqual([
      ["big", "failed", "Too big: this file is over the server's size limit."],
    ]);
    expect(log).toEqual(["send next []"]);
  });

  test("files that cannot be kept on this device: nothing is queued, and the error says why", async () => {
    const { outbox, store } = setup();
    store.failPuts = true;
    const error = await outbox
      .addWithFiles("photo", undefined, [{ file: new Blob(["x"]), name: "p.jpg" }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FilesNotKeptError);
    expect(outbox.entries()).toEqual([]);
  });

  test("discarding a refused message removes its held files", async () => {
    const { outbox, store, server } = setup();
    await outbox.addWithFiles("x", undefined, [{ file: new Blob(["x"]), name: "x.bin" }]);
    await outbox.flush();
    server.down = false;
    server.refuseUploads = true;
    await outbox.flush();
    expect(store.blobs.size).toBe(1);
    outbox.discard(outbox.entries()[0]!.clientId);
    await tick();
    expect(store.blobs.size).toBe(0);
  });
});
