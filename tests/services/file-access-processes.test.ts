/**
 * A kick on one process counts at once for files read through another: access
 * to a file is read from the shared database at each request, so there is no
 * cache for the processes to disagree about.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithServices, postgresService, redisService } from "../support/backends.ts";
import { png, upload } from "../support/files.ts";
import { useProcessPair } from "../support/process-pair.ts";
import { uniqueName } from "../support/server.ts";

// Both processes store files in one directory, as they would share a disk or a bucket.
const uploads = mkdtempSync(join(tmpdir(), "parlor-uploads-"));
afterAll(() => rmSync(uploads, { recursive: true, force: true }));

await describeWithServices("file access across processes", [postgresService, redisService], () => {
  const pair = useProcessPair({ UPLOADS_DIR: uploads });

  test("kicked on A, a member's next read of a private room's file through B is 404", async () => {
    const owner = await pair.a.signUp();
    const member = await pair.a.signUp();
    const room = uniqueName("r");
    await owner.client.room.create.mutate({ room, visibility: "private" });
    await owner.client.room.invite.mutate({ room, username: member.username });
    const file = await upload(owner.client, await png(), "plan.png");
    await owner.client.room.send.mutate({ room, text: "", attachments: [file.id] });
    const throughB = () =>
      fetch(pair.b.url + file.url, { headers: { authorization: `Bearer ${member.token}` } }).then((r) => r.status);
    expect(await throughB()).toBe(200);
    await owner.client.room.kick.mutate({ room, username: member.username });
    expect(await throughB()).toBe(404);
  });
});
