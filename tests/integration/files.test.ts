/**
 * Files and images through the real @trpc/client against a listening Parlor:
 * what an upload becomes, how it is served, who attaches it, and that every
 * reader of messages (history, the log's entries, search, export) carries it.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import sharp from "sharp";
import { exportRoom } from "../../client/cli/room-export.ts";
import { EXIF_AUTHOR, EXIF_SERIAL, hasGpsTag, jpegWithGps, png, pngBomb, upload } from "../support/files.ts";
import { failure } from "../support/outcome.ts";
import { startTestServer, uniqueName } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";

describe("attachment.upload", () => {
  test("a PNG comes back as an Attachment with its dimensions, a thumbnail and URLs on this server", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const a = await upload(ann.client, await png(40, 30), "chart.png");
    expect(a).toMatchObject({
      name: "chart.png",
      type: "image/png",
      width: 40,
      height: 30,
      url: `/files/${a.id}/chart.png`,
      thumbnailUrl: `/files/${a.id}/thumbnail`,
    });
    expect(a.id).toMatch(/^f[A-Za-z0-9_-]{32}$/);
    const res = await fetch(server.url + a.url, { headers: { authorization: `Bearer ${ann.token}` } });
    expect(res.status).toBe(200);
    expect((await res.bytes()).byteLength).toBe(a.size);
  });

  test("signed-in users only: a guest's upload is UNAUTHORIZED", async () => {
    await using server = await startTestServer();
    expect((await failure(upload(server.guest().client, "hello", "a.txt"))).code).toBe("UNAUTHORIZED");
  });

  test("no file in the form, or an empty one, is BAD_REQUEST", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const form = new FormData();
    form.append("other", "x");
    expect((await failure(ann.client.attachment.upload.mutate(form))).code).toBe("BAD_REQUEST");
    expect((await failure(upload(ann.client, "", "empty.txt"))).code).toBe("BAD_REQUEST");
  });

  test("a file name keeps no path and no control characters", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const a = await upload(ann.client, "x", "../../etc/pa\u202Esswd\u0007.txt");
    expect(a.name).toBe("passwd.txt");
  });
});

describe("types come from the bytes", () => {
  test("a PNG named .html is an image/png, shown inline", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const a = await upload(ann.client, await png(), "page.html");
    expect(a.type).toBe("image/png");
    const res = await fetch(server.url + a.url, { headers: { authorization: `Bearer ${ann.token}` } });
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toStartWith("inline;");
  });

  test("HTML named .png, and an SVG with a script, are downloads of application/octet-stream, sandboxed and nosniff", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const html = await upload(
      ann.client,
      "<html><body><script>alert(document.cookie)</script></body></html>",
      "cat.png",
    );
    const svg = await upload(
      ann.client,
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="5"/></svg>',
      "logo.svg",
    );
    for (const a of [html, svg]) {
      expect(a.type).toBe("application/octet-stream");
      expect([a.width, a.height, a.thumbnailUrl]).toEqual([null, null, null]);
      const res = await fetch(server.url + a.url, { headers: { authorization: `Bearer ${ann.token}` } });
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toStartWith("attachment;");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    }
  });
});

describe("images", () => {
  test("GPS, author and camera serial are gone from what is stored and served; orientation is applied", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const original = await jpegWithGps();
    // The input carries them (else this test proves nothing).
    expect(hasGpsTag((await sharp(original).metadata()).exif)).toBe(true);
    expect(original.includes(Buffer.from(EXIF_AUTHOR))).toBe(true);
    const a = await upload(ann.client, original, "holiday.jpg");
    // 64 × 32 in the file, orientation 6: shown upright as 32 × 64.
    expect([a.width, a.height]).toEqual([32, 64]);
    const auth = { headers: { authorization: `Bearer ${ann.token}` } };
    for (const path of [a.url, a.thumbnailUrl!]) {
      const served = Buffer.from(await (await fetch(server.url + path, auth)).arrayBuffer());
      const meta = await sharp(served).metadata();
      expect(hasGpsTag(meta.exif)).toBe(false);
      expect(meta.exif).toBeUndefined();
      expect(served.includes(Buffer.from(EXIF_AUTHOR))).toBe(false);
      expect(served.includes(Buffer.from(EXIF_SERIAL))).toBe(false);
      expect(meta.orientation ?? 1).toBe(1);
      expect((meta.height ?? 0) >= (meta.width ?? 0)).toBe(true);
    }
  });

  test("a thumbnail is at most 480 px a side", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const a = await upload(ann.client, await png(1200, 300), "wide.png");
    const thumb = await fetch(server.url + a.thumbnailUrl!, { headers: { authorization: `Bearer ${ann.token}` } });
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([480, 120]);
  });

  test("a decompression bomb (a few hundred bytes declaring 20,000 × 20,000) is BAD_REQUEST, and nothing is stored", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const bomb = pngBomb(20_000);
    expect(bomb.byteLength).toBeLessThan(2000);
    const { code, message } = await failure(upload(ann.client, bomb, "bomb.png"));
    expect(code).toBe("BAD_REQUEST");
    expect(message).toContain("20000 × 20000");
    expect(await server.app.services.db.selectFrom("upload").selectAll().execute()).toEqual([]);
  });
});

describe("attaching", () => {
  test("room.send attaches uploads in the order given, with empty text; history, entries, search and export carry them", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const room = uniqueName("files");
    // Live: subscribed before the sends.
    const live = subscribeRoom(ann.client, { room });
    await live.started;
    const first = await upload(ann.client, "first file", "b.txt");
    const second = await upload(ann.client, await png(), "a.png");
    const sent = await ann.client.room.send.mutate({ room, text: "", attachments: [first.id, second.id] });
    expect(sent.attachments).toEqual([first, second]);
    await ann.client.room.send.mutate({
      room,
      text: "unicorn report",
      attachments: [(await upload(ann.client, "third", "c.txt")).id],
    });

    const history = await ann.client.room.history.query({ room });
    expect(history.messages[1]!.attachments.map((a) => a.id)).toEqual([first.id, second.id]);
    expect(history.messages[0]!.attachments.map((a) => a.name)).toEqual(["c.txt"]);
    // The log's entries, live and as a subscriber resuming from the start replays them.
    const resumed = subscribeRoom(ann.client, { room, lastEventId: "0" });
    await Promise.all([live.waitForCount(2), resumed.waitForCount(2)]);
    for (const sub of [live, resumed])
      expect(sub.messages.map((m) => m.attachments.map((a) => a.name))).toEqual([["b.txt", "a.png"], ["c.txt"]]);
    live.unsubscribe();
    resumed.unsubscribe();
    const hits = await ann.client.room.search.query({ room, query: "unicorn" });
    expect(hits.results[0]!.attachments.map((a) => a.name)).toEqual(["c.txt"]);
    const lines: string[] = [];
    await exportRoom(ann.client, room, (line) => lines.push(line));
    // Newest first, as export writes it.
    expect(
      lines.map((l) => (JSON.parse(l) as { attachments: { name: string }[] }).attachments.map((a) => a.name)),
    ).toEqual([["c.txt"], ["b.txt", "a.png"]]);
  });

  test("only its uploader attaches an upload, once; an unknown id is refused the same way, and the message is not stored", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const bob = await server.signUp();
    const room = uniqueName("files");
    const a = await upload(ann.client, "ann's", "a.txt");
    const byBob = await failure(bob.client.room.send.mutate({ room, text: "mine now", attachments: [a.id] }));
    const unknown = await failure(bob.client.room.send.mutate({ room, text: "guess", attachments: ["x".repeat(32)] }));
    expect(byBob.code).toBe("BAD_REQUEST");
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(byBob.message.replace(a.id, "ID")).toBe(unknown.message.replace("x".repeat(32), "ID"));
    await ann.client.room.send.mutate({ room, text: "once", attachments: [a.id] });
    expect((await failure(ann.client.room.send.mutate({ room, text: "twice", attachments: [a.id] }))).code).toBe(
      "BAD_REQUEST",
    );
    expect(
      (await failure(ann.client.room.send.mutate({ room, text: "same twice", attachments: [a.id, a.id] }))).code,
    ).toBe("BAD_REQUEST");
    expect((await ann.client.room.history.query({ room })).messages.map((m) => m.text)).toEqual(["once"]);
  });

  test("concurrent sends (one group commit) attach each its own file; a refused one does not take the others down", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const bob = await server.signUp();
    const room = uniqueName("files");
    const files = await Promise.all(["1", "2", "3"].map((n) => upload(ann.client, n, `${n}.txt`)));
    const results = await Promise.allSettled([
      ...files.map((f, i) => ann.client.room.send.mutate({ room, text: `m${i}`, attachments: [f.id] })),
      bob.client.room.send.mutate({ room, text: "stolen", attachments: [files[0]!.id] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
    const history = (await ann.client.room.history.query({ room })).messages.reverse();
    expect(history.map((m) => [m.text, m.attachments.map((a) => a.name)])).toEqual([
      ["m0", ["1.txt"]],
      ["m1", ["2.txt"]],
      ["m2", ["3.txt"]],
    ]);
  });

  test("deleting the message makes its files unreadable at once and removes them from storage", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const room = uniqueName("files");
    const a = await upload(ann.client, await png(), "gone.png");
    const sent = await ann.client.room.send.mutate({ room, text: "soon gone", attachments: [a.id] });
    expect((await fetch(server.url + a.url)).status).toBe(200);
    const dir = server.app.services.files.storage;
    expect(await dir.exists(a.id)).toBe(true);
    await ann.client.room.delete.mutate({ room, seq: sent.seq });
    expect((await fetch(server.url + a.url)).status).toBe(404);
    expect((await fetch(server.url + a.thumbnailUrl!)).status).toBe(404);
    expect(await dir.exists(a.id)).toBe(false);
    expect(await dir.exists(`${a.id}.thumb`)).toBe(false);
    expect((await ann.client.room.history.query({ room })).messages[0]!.attachments).toEqual([]);
  });
});

describe("serving", () => {
  test("an ETag answers 304; a Range is 206 with Content-Range; a range past the end is 416", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const room = uniqueName("files");
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    const a = await upload(ann.client, bytes, "data.bin");
    await ann.client.room.send.mutate({ room, text: "", attachments: [a.id] });
    const full = await fetch(server.url + a.url);
    const etag = full.headers.get("etag")!;
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect((await fetch(server.url + a.url, { headers: { "if-none-match": etag } })).status).toBe(304);
    const part = await fetch(server.url + a.url, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(await part.bytes()).toEqual(bytes.slice(100, 200));
    const tail = await fetch(server.url + a.url, { headers: { range: "bytes=-10" } });
    expect(await tail.bytes()).toEqual(bytes.slice(990));
    const past = await fetch(server.url + a.url, { headers: { range: "bytes=5000-" } });
    expect([past.status, past.headers.get("content-range")]).toEqual([416, "bytes */1000"]);
  });

  test("the name is encoded per RFC 6266/5987: an ASCII fallback and the exact UTF-8 name", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const a = await upload(ann.client, "x", 'naïve "plan" 日本.txt');
    const res = await fetch(server.url + a.url, { headers: { authorization: `Bearer ${ann.token}` } });
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="na_ve _plan_ __.txt"; filename*=UTF-8''na%C3%AFve%20%22plan%22%20%E6%97%A5%E6%9C%AC.txt`,
    );
  });

  test("Cache-Control is private for a private room's file and public for a public room's", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const open = uniqueName("open");
    const closed = uniqueName("closed");
    await ann.client.room.create.mutate({ room: closed, visibility: "private" });
    const a = await upload(ann.client, "a", "a.txt");
    const b = await upload(ann.client, "b", "b.txt");
    await ann.client.room.send.mutate({ room: open, text: "", attachments: [a.id] });
    await ann.client.room.send.mutate({ room: closed, text: "", attachments: [b.id] });
    const auth = { headers: { authorization: `Bearer ${ann.token}` } };
    expect((await fetch(server.url + a.url, auth)).headers.get("cache-control")).toStartWith("public");
    expect((await fetch(server.url + b.url, auth)).headers.get("cache-control")).toStartWith("private");
  });

  test("the default store is a local directory (UPLOADS_DIR): the bytes are files there", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const a = await upload(ann.client, "on disk", "disk.txt");
    const dir = (server.app.services.files.storage.read(a.id) as Blob as { name?: string }).name!;
    expect(readdirSync(dir.slice(0, dir.lastIndexOf("/")))).toContain(a.id);
  });
});
