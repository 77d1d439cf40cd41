/**
 * Backups and exports as an operator and a user run them: `bun run db:backup`
 * as a separate process while a real server keeps taking messages, and the
 * CLI's `export` and `search` against a real server.
 */

import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createDb } from "../../db/index.ts";
import { createSearchIndexer } from "../../server/chat/search-indexer.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const ROOT = join(import.meta.dir, "../..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "parlor-backup-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(cmd: string[], env: Record<string, string>) {
  const proc = Bun.spawn(cmd, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, code };
}

describe("bun run db:backup", () => {
  test("a backup taken while messages are being sent opens as a consistent database holding every message acknowledged before it", async () => {
    const file = join(dir, "live.db");
    await using server = await startTestServer({
      DATABASE_URL: `sqlite:${file}`,
      SEND_BURST: "100000",
      SEND_PER_SECOND: "100000",
    });
    const ann = await server.signUp("ann");
    const acknowledged: number[] = [];
    let sending = true;
    let sendErrors = 0;
    const sender = (async () => {
      for (let i = 0; sending && i < 5000; i++) {
        try {
          acknowledged.push((await ann.client.room.send.mutate({ room: "busy", text: `message ${i}` })).seq);
        } catch {
          sendErrors++;
        }
      }
    })();
    await waitFor(() => acknowledged.length >= 50, "50 acknowledged sends", 15_000);
    const ackedBefore = [...acknowledged];
    const backup = join(dir, "copy.db");
    const result = await run(["bun", "run", "--silent", "db:backup", backup], { DATABASE_URL: `sqlite:${file}` });
    const ackedAfterBackup = acknowledged.length;
    sending = false;
    await sender;

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Backed up .* \(\d+ messages; integrity check ok\)\.\n/);
    // The uploads are not in the database's copy: the command says to back them up after it.
    expect(result.stdout).toContain("Uploaded files are not in this copy");
    // The server kept serving through it.
    expect(sendErrors).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(ackedBefore.length);

    const copy = new Database(backup, { readonly: true });
    try {
      expect(copy.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
      const seqs = copy
        .query<{ seq: number }, []>("select seq from message where room = 'busy' order by seq")
        .all()
        .map((r) => r.seq);
      // Everything acknowledged before the backup began is there, and the copy is one moment of the log: 1..n, no gap,
      // the room row agreeing, the search index agreeing with its watermark (the indexer takes in the rest on start).
      for (const seq of ackedBefore) expect(seqs).toContain(seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs.length).toBeLessThanOrEqual(ackedAfterBackup);
      expect(copy.query("select last_seq, message_count from room where name = 'busy'").get()).toEqual({
        last_seq: seqs.length,
        message_count: seqs.length,
      });
      const { watermark } = copy
        .query<{ watermark: number }, []>("select indexed_up_to as watermark from search_watermark")
        .get()!;
      const indexedUnder = copy.query("select count(*) as n from message where id <= ?").get(watermark);
      expect(copy.query("select count(*) as n from message_fts where message_fts match '\"message\"'").get()).toEqual(
        indexedUnder,
      );
      const restored = createDb(`sqlite:${backup}`);
      const indexer = createSearchIndexer(restored);
      try {
        await indexer.catchUp();
        expect(
          (
            await sql<{ n: number }>`select count(*) as n from message_fts where message_fts match '"message"'`.execute(
              restored,
            )
          ).rows[0],
        ).toEqual({ n: seqs.length });
      } finally {
        await indexer.close();
        await restored.destroy();
      }
    } finally {
      copy.close();
    }
  }, 60_000);

  test("refuses to overwrite a file, and on PostgreSQL points to pg_dump (exit 2)", async () => {
    const file = join(dir, "small.db");
    {
      await using server = await startTestServer({ DATABASE_URL: `sqlite:${file}` });
      await (await server.signUp()).client.room.send.mutate({ room: "r", text: "x" });
    }
    const existing = join(dir, "existing.db");
    await Bun.write(existing, "keep me");
    const refused = await run(["bun", "run", "--silent", "db:backup", existing], { DATABASE_URL: `sqlite:${file}` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("exists already");
    expect(await Bun.file(existing).text()).toBe("keep me");

    const pg = await run(["bun", "run", "--silent", "db:backup", join(dir, "pg.dump")], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
    });
    expect(pg.code).toBe(2);
    expect(pg.stderr).toContain("pg_dump");
  }, 30_000);

  test("the copy is readable by its owner only (0600, even under umask 000); a symbolic link at the target, dangling or not, is refused and nothing is written through it (regression: a world-readable copy, written through a dangling link)", async () => {
    const file = join(dir, "private.db");
    {
      await using server = await startTestServer({ DATABASE_URL: `sqlite:${file}` });
      await (await server.signUp()).client.room.send.mutate({ room: "r", text: "x" });
    }
    // umask 000: the mode comes from the backup itself, not from the operator's shell.
    const backup = (target: string) =>
      run(["sh", "-c", 'umask 000 && exec bun run --silent db:backup "$0"', target], {
        DATABASE_URL: `sqlite:${file}`,
      });

    const copy = join(dir, "private-copy.db");
    const made = await backup(copy);
    expect(made.code).toBe(0);
    expect(statSync(copy).mode & 0o777).toBe(0o600);

    // A dangling link: following it would create the file it points to, wherever that is.
    const pointee = join(dir, "where-the-link-points.db");
    const dangling = join(dir, "dangling-link.db");
    symlinkSync(pointee, dangling);
    const refused = await backup(dangling);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${dangling} is a symbolic link: refusing to write a backup through it.`);
    expect(existsSync(pointee)).toBe(false);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);

    // A link to an empty file (which VACUUM INTO would fill): refused too, the file untouched.
    const empty = join(dir, "empty-target.db");
    writeFileSync(empty, "");
    const toEmpty = join(dir, "link-to-empty.db");
    symlinkSync(empty, toEmpty);
    const refusedToo = await backup(toEmpty);
    expect(refusedToo.code).toBe(1);
    expect(refusedToo.stderr).toContain("is a symbolic link");
    expect(readFileSync(empty, "utf8")).toBe("");
  }, 30_000);
});

describe("bun run chat -- export / search", () => {
  let server: TestServer;
  let configHome: string;
  beforeAll(async () => {
    server = await startTestServer({ SEND_BURST: "1000" });
    configHome = mkdtempSync(join(tmpdir(), "parlor-cli-ops-"));
  });
  afterAll(async () => {
    await server.stop();
    rmSync(configHome, { recursive: true, force: true });
  });
  const chat = (args: string[], token: string) =>
    run(["bun", "client/cli/main.ts", ...args], {
      PARLOR_URL: server.url,
      XDG_CONFIG_HOME: configHome,
      PARLOR_TOKEN: token,
    });

  test("export writes every message in its current state as JSON lines, newest first, past one page; a private room only to its members", async () => {
    const [ann, ben] = await Promise.all([server.signUp(), server.signUp()]);
    await ann.client.room.create.mutate({ room: "export-me", visibility: "private" });
    // More than one history page (100).
    const sent = [];
    for (let i = 1; i <= 120; i++)
      sent.push(await ann.client.room.send.mutate({ room: "export-me", text: `line ${i}` }));
    await ann.client.room.edit.mutate({ room: "export-me", seq: sent[0]!.seq, text: "line 1, edited" });
    await ann.client.room.delete.mutate({ room: "export-me", seq: sent[1]!.seq });

    const out = await chat(["export", "export-me"], ann.token);
    expect(out.code).toBe(0);
    const lines = out.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { seq: number; text: string; deleted: boolean; editedAt: string | null });
    const history = await ann.client.room.history.query({ room: "export-me", limit: 100 });
    expect(lines).toHaveLength(120);
    expect(lines.slice(0, history.messages.length)).toEqual(history.messages);
    expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => b - a));
    const bySeq = new Map(lines.map((l) => [l.seq, l]));
    expect(bySeq.get(sent[0]!.seq)).toMatchObject({ text: "line 1, edited" });
    expect(bySeq.get(sent[1]!.seq)).toMatchObject({ text: "", deleted: true });
    expect(out.stderr).toBe(`-- ${lines.length} messages --\n`);

    const denied = await chat(["export", "export-me"], ben.token);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe("");
    expect(denied.stderr).toContain("Room 'export-me' does not exist.");
  }, 30_000);

  test("export prints no raw bidi override, isolate, line separator or C1 control: each is a \\u escape, and the JSON still reads back as the text sent (regression: a U+202E reached the terminal)", async () => {
    const ann = await server.signUp();
    // Everything the message schema lets through that a terminal would act on or reorder.
    const text = "invoice \u202Efdp.exe\u202C \u2066x\u2069 \u200F\u061C \u2028next\u2029 \u00AD ok";
    await ann.client.room.send.mutate({ room: "export-bidi", text });
    const out = await chat(["export", "export-bidi"], ann.token);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toMatch(
      /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/,
    );
    expect(out.stdout).toContain("\\u202e");
    expect((JSON.parse(out.stdout) as { text: string }).text).toBe(text);
  }, 30_000);

  test("search prints the hits newest first with their room; --room narrows it; --json has the highlights", async () => {
    const ann = await server.signUp();
    await ann.client.room.send.mutate({ room: "cli-search-a", text: "the quarterly budget is due" });
    await ann.client.room.send.mutate({ room: "cli-search-b", text: "budget meeting moved" });
    const out = await chat(["search", "budget"], ann.token);
    expect(out.code).toBe(0);
    expect(
      out.stdout
        .trimEnd()
        .split("\n")
        .map((l) => l.replace(/ \[[^\]]+\] /, " ")),
    ).toEqual([
      expect.stringMatching(/^cli-search-b #1 \S+: budget meeting moved$/),
      expect.stringMatching(/^cli-search-a #1 \S+: the quarterly budget is due$/),
    ]);
    const narrowed = await chat(["search", "budget", "--room", "cli-search-a", "--json"], ann.token);
    const page = JSON.parse(narrowed.stdout) as { results: { text: string; highlights: [number, number][] }[] };
    expect(page.results.map((r) => r.text)).toEqual(["the quarterly budget is due"]);
    expect(page.results[0]!.highlights).toEqual([[14, 20]]);
    const nothing = await chat(["search", "nonexistentword"], ann.token);
    expect(nothing).toMatchObject({ code: 0, stdout: "", stderr: "Nothing found.\n" });
  }, 30_000);
});
