/**
 * The S3 store against a real S3-protocol server (s3rver, started here on a free
 * loopback port), through Bun's S3 client: what the local directory does, and a
 * Parlor configured with S3_BUCKET storing and serving through it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { createS3Storage } from "../../server/files/s3-storage.ts";
import { png, upload } from "../support/files.ts";
import { startTestServer, uniqueName } from "../support/server.ts";

const dir = mkdtempSync(join(tmpdir(), "parlor-s3-"));
const s3 = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory: dir,
  configureBuckets: [{ name: "parlor" }],
});
let endpoint = "";
beforeAll(async () => {
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const settings = () => ({
  S3_BUCKET: "parlor",
  S3_ENDPOINT: endpoint,
  S3_REGION: "us-east-1",
  S3_ACCESS_KEY_ID: "S3RVER",
  S3_SECRET_ACCESS_KEY: "S3RVER",
  S3_PREFIX: "test/",
});

describe("S3 storage", () => {
  test("writes, reads whole and by range, tells what exists, deletes (twice is not an error)", async () => {
    const storage = createS3Storage({
      kind: "s3",
      bucket: "parlor",
      endpoint,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      prefix: "unit/",
    });
    await storage.write("abc-_1", new TextEncoder().encode("hello, bucket"));
    expect(await new Response(storage.read("abc-_1")).text()).toBe("hello, bucket");
    expect(await new Response(storage.read("abc-_1", { start: 7, end: 13 })).text()).toBe("bucket");
    expect(await storage.exists("abc-_1")).toBe(true);
    await storage.delete("abc-_1");
    await storage.delete("abc-_1");
    expect(await storage.exists("abc-_1")).toBe(false);
  });

  test("a Parlor with S3_BUCKET stores an upload there and serves it (Range included); a deleted message's files leave the bucket", async () => {
    await using server = await startTestServer(settings());
    const ann = await server.signUp();
    const room = uniqueName("s3");
    const image = await upload(ann.client, await png(), "in-the-bucket.png");
    const sent = await ann.client.room.send.mutate({ room, text: "", attachments: [image.id] });
    const res = await fetch(server.url + image.url);
    expect([res.status, res.headers.get("content-type"), (await res.bytes()).byteLength]).toEqual([
      200,
      "image/png",
      image.size,
    ]);
    const part = await fetch(server.url + image.url, { headers: { range: "bytes=0-7" } });
    expect([...(await part.bytes())]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect((await fetch(server.url + image.thumbnailUrl!)).status).toBe(200);
    const storage = server.app.services.files.storage;
    expect(await storage.exists(image.id)).toBe(true);
    await ann.client.room.delete.mutate({ room, seq: sent.seq });
    expect(await storage.exists(image.id)).toBe(false);
  });
});
