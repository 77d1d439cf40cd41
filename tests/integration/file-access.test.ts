/**
 * Who may read a file: whoever may read the room of the message that holds it
 * (public: anyone; private: its members, not after a kick or a ban), and before
 * it is attached only its uploader. Everyone else gets 404, never 403: a
 * file's existence is not told. On SQLite and PostgreSQL.
 */
import { expect, test } from "bun:test";
import { createPostgresSchema, databaseBackends, describeEach } from "../support/backends.ts";
import { png, upload } from "../support/files.ts";
import { startTestServer, type TestServer, type TestUser, uniqueName } from "../support/server.ts";

type Who = "uploader" | "member" | "non-member" | "kicked" | "banned" | "guest";
const EVERYONE: Who[] = ["uploader", "member", "non-member", "kicked", "banned", "guest"];

async function serverOn(backend: string): Promise<TestServer> {
  if (backend === "sqlite") return startTestServer();
  const schema = await createPostgresSchema();
  const server = await startTestServer({ DATABASE_URL: schema.url });
  const stop = server.stop;
  const dispose = async () => {
    await stop();
    await schema.drop();
  };
  return { ...server, stop: dispose, [Symbol.asyncDispose]: dispose };
}

/** The HTTP status each person gets for the file and for its thumbnail. */
async function statuses(server: TestServer, people: Record<Exclude<Who, "guest">, TestUser>, paths: string[]) {
  const seen: Record<string, number[]> = {};
  for (const who of EVERYONE) {
    const headers: Record<string, string> = who === "guest" ? {} : { authorization: `Bearer ${people[who].token}` };
    seen[who] = await Promise.all(paths.map(async (path) => (await fetch(server.url + path, { headers })).status));
  }
  return seen;
}

await describeEach("file access", databaseBackends, (backend) => {
  for (const visibility of ["public", "private"] as const) {
    test(`${visibility} room: before it is attached only its uploader reads it; after, ${visibility === "public" ? "anyone" : "its members only"} (404 for everyone else)`, async () => {
      await using server = await serverOn(backend.name);
      const [uploader, member, nonMember, kicked, banned] = await Promise.all(
        [1, 2, 3, 4, 5].map(() => server.signUp()),
      );
      const people = {
        uploader: uploader!,
        member: member!,
        "non-member": nonMember!,
        kicked: kicked!,
        banned: banned!,
      };
      const room = uniqueName("r");
      await uploader!.client.room.create.mutate({ room, visibility });
      for (const who of [member!, kicked!, banned!]) {
        if (visibility === "private") await uploader!.client.room.invite.mutate({ room, username: who.username });
        else await who.client.room.join.mutate({ room });
      }
      await uploader!.client.room.kick.mutate({ room, username: kicked!.username });
      await uploader!.client.room.ban.mutate({ room, username: banned!.username });

      const file = await upload(uploader!.client, await png(), "secret.png");
      const paths = [file.url, file.thumbnailUrl!];
      const before = await statuses(server, people, paths);
      expect(before).toEqual({
        uploader: [200, 200],
        member: [404, 404],
        "non-member": [404, 404],
        kicked: [404, 404],
        banned: [404, 404],
        guest: [404, 404],
      });

      await uploader!.client.room.send.mutate({ room, text: "", attachments: [file.id] });
      const after = await statuses(server, people, paths);
      const ok = [200, 200];
      const no = [404, 404];
      expect(after).toEqual(
        visibility === "public"
          ? { uploader: ok, member: ok, "non-member": ok, kicked: ok, banned: ok, guest: ok }
          : { uploader: ok, member: ok, "non-member": no, kicked: no, banned: no, guest: no },
      );
    });
  }

  test("an id never used, a malformed id and someone else's unattached upload answer the same 404", async () => {
    await using server = await serverOn(backend.name);
    const ann = await server.signUp();
    const bob = await server.signUp();
    const file = await upload(ann.client, "private notes", "notes.txt");
    const auth = { headers: { authorization: `Bearer ${bob.token}` } };
    const answers = await Promise.all(
      [file.url, `/files/${"A".repeat(32)}/notes.txt`, "/files/..%2F..%2Fetc/passwd"].map((p) =>
        fetch(server.url + p, auth),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
  });
});
