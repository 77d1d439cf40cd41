/**
 * Memory stays bounded whatever arrives: ten uploads of 25 MiB at once (the
 * default MAX_UPLOAD_BYTES) to a Parlor in its own process. UPLOADS_IN_FLIGHT
 * (4) of them are read and stored at once, the rest wait unread (Bun does not
 * buffer a body nobody reads), so the server's peak RSS grows by about four
 * bodies and their copies, not ten — and back down after a collection.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParlorClient } from "@parlor/client";
import { upload } from "../support/files.ts";
import { startParlorProcess } from "../support/parlor-process.ts";
import { peakRssBytes, resetPeakRss } from "../support/peak-rss.ts";

const MiB = 1024 * 1024;
/**
 * The bound SECURITY.md states, from the settings rather than from the ten uploads: UPLOADS_IN_FLIGHT (4)
 * files read at once, each costing its body and about two copies of the file, plus slack (measured
 * +230–341 MiB peak, depending on how the waiting ones interleave). Ten files held at once would be
 * ten times three copies, 750 MiB.
 */
export const TEN_UPLOADS_PEAK_BOUND = 4 * 4 * 25 * MiB;

test("ten 25 MiB uploads at once raise the server's peak RSS by less than the bound, and all are stored", async () => {
  const uploads = mkdtempSync(join(tmpdir(), "parlor-uploads-"));
  const server = await startParlorProcess({
    database: "sqlite::memory:",
    env: { UPLOADS_DIR: uploads },
    memoryProbe: true,
  });
  try {
    const guest = createParlorClient({ url: server.url });
    const { token } = await guest.auth.register.mutate({ username: "uploader", password: "correct horse battery" });
    const client = createParlorClient({ url: server.url, token });
    const file = new Uint8Array(25 * MiB);
    for (let i = 0; i < file.length; i += 4096) file[i] = i % 251;
    const before = (await server.measure()).rss;
    resetPeakRss(server.pid);
    const stored = await Promise.all(Array.from({ length: 10 }, (_, i) => upload(client, file, `big-${i}.bin`)));
    const peak = peakRssBytes(server.pid) - before;
    const after = (await server.measure()).rss - before;
    console.log(
      `ten 25 MiB uploads: peak RSS +${(peak / MiB).toFixed(0)} MiB, after a collection +${(after / MiB).toFixed(0)} MiB`,
    );
    expect(stored.map((a) => a.size)).toEqual(Array(10).fill(25 * MiB));
    expect(peak).toBeLessThan(TEN_UPLOADS_PEAK_BOUND);
  } finally {
    await server.stop();
    rmSync(uploads, { recursive: true, force: true });
  }
}, 120_000);
