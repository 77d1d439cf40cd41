/** The CLI as a person runs it: a real process against a real server, its token in a private config dir. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParlorClient } from "../../client/parlor-client.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const CLI = join(import.meta.dir, "../../client/cli/main.ts");
let server: TestServer;
let configHome: string;

beforeAll(async () => {
  server = await startTestServer();
  configHome = mkdtempSync(join(tmpdir(), "parlor-cli-"));
});
afterAll(async () => {
  await server.stop();
  rmSync(configHome, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ ...process.env, PARLOR_URL: server.url, XDG_CONFIG_HOME: configHome, PARLOR_TOKEN: "", ...extra });

async function chat(args: string[], extra: Record<string, string> = {}, stdin?: string) {
  const proc = Bun.spawn(["bun", CLI, ...args], { env: env(extra), stdin: stdin === undefined ? "ignore" : new Blob([stdin]), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

describe("bun run chat", () => {
  test("register, send and history work, and the token is kept in a private file", async () => {
    const reg = await chat(["register", "clara"], { PARLOR_PASSWORD: "clara's password" });
    expect(reg).toMatchObject({ code: 0, stdout: `Registered and signed in as clara on ${server.url}.\n` });
    const file = join(configHome, "parlor", "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);

    expect((await chat(["whoami"])).stdout).toBe("clara\n");
    const sent = await chat(["send", "cli-room", "hello", "from", "the", "terminal"]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] #1 clara: hello from the terminal\n$/);
    expect((await chat(["send", "cli-room", "-"], {}, "piped text\n")).stdout).toContain("#2 clara: piped text");

    const history = await chat(["history", "cli-room"]);
    expect(history.code).toBe(0);
    expect(history.stdout.trimEnd().split("\n").map((l) => l.replace(/^\[[^\]]+\] /, ""))).toEqual([
      "#1 clara: hello from the terminal",
      "#2 clara: piped text",
    ]);
    // What the CLI sent is what every other client sees.
    const viaApi = await server.guest().client.room.history.query({ room: "cli-room" });
    expect(viaApi.messages.map((m) => m.text)).toEqual(["piped text", "hello from the terminal"]);
  });

  test("history pages with --before and --limit and says how to get older ones", async () => {
    const ann = await server.signUp();
    for (let i = 1; i <= 5; i++) await ann.client.room.send.mutate({ room: "paged-cli", text: `m${i}` });
    const first = await chat(["history", "paged-cli", "--limit", "2"]);
    expect(first.stdout).toContain("#4");
    expect(first.stdout).toContain("#5");
    expect(first.stderr).toContain("history paged-cli --before 4");
    const older = await chat(["history", "paged-cli", "--before", "4", "--limit", "2", "--json"]);
    const page = JSON.parse(older.stdout) as { messages: { seq: number }[]; nextCursor: number };
    expect(page.messages.map((m) => m.seq)).toEqual([3, 2]);
    expect(page.nextCursor).toBe(2);
  });

  test("tail prints recent history, then messages live", async () => {
    const ann = await server.signUp();
    await ann.client.room.send.mutate({ room: "tailed", text: "earlier" });
    const proc = Bun.spawn(["bun", CLI, "tail", "tailed", "--lines", "5"], { env: env(), stdout: "pipe", stderr: "pipe" });
    let out = "";
    let err = "";
    const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
      for await (const chunk of stream) add(new TextDecoder().decode(chunk));
    };
    void pump(proc.stdout, (s) => (out += s));
    void pump(proc.stderr, (s) => (err += s));
    try {
      await waitFor(() => err.includes("-- live in tailed"), "tail to go live", 10_000);
      await ann.client.room.send.mutate({ room: "tailed", text: "live one" });
      await waitFor(() => out.includes("live one"), "the live message", 5000);
      expect(out.trimEnd().split("\n").map((l) => l.replace(/^\[[^\]]+\] #\d+ \S+ /, ""))).toEqual(["earlier", "live one"]);
    } finally {
      proc.kill("SIGINT");
      await proc.exited;
    }
  });

  test("send --reply, edit, react and delete change messages; history shows each in its current state", async () => {
    const dee = await server.signUp();
    const as = { PARLOR_TOKEN: dee.token };
    const first = await chat(["send", "log-cli", "see", "you", "at", "noon"], as);
    expect(first.stdout).toContain("#1 " + dee.username + ": see you at noon");

    const reply = await chat(["send", "log-cli", "--reply", "1", "bring", "snacks"], as);
    expect(reply).toMatchObject({ code: 0 });
    expect(reply.stdout).toContain(`#2 ${dee.username} ↪ #1: bring snacks`);

    const edit = await chat(["edit", "log-cli", "#1", "see", "you", "at", "one"], as);
    expect(edit.code).toBe(0);
    expect(edit.stdout).toContain(`#1 ${dee.username}: see you at one (edited)`);
    // Editing from stdin, like send.
    expect((await chat(["edit", "log-cli", "2", "-"], as, "bring snacks and drinks\n")).stdout).toContain("bring snacks and drinks (edited)");

    expect((await chat(["react", "log-cli", "1", "👍"], as)).stdout).toContain(`see you at one (edited) [👍 1]`);
    const other = await server.signUp();
    await other.client.room.react.mutate({ room: "log-cli", seq: 1, emoji: "👍", add: true });
    expect((await chat(["react", "log-cli", "1", "👍", "--remove"], as)).stdout).toContain("[👍 1]");

    const del = await chat(["delete", "log-cli", "2"], as);
    expect(del).toMatchObject({ code: 0, stdout: "Deleted #2 in log-cli.\n" });

    // Each line is a message as it stands now: the edit, the reaction left, the reply deleted.
    const history = await chat(["history", "log-cli"]);
    expect(history.stdout.trimEnd().split("\n").map((l) => l.replace(/^\[[^\]]+\] /, ""))).toEqual([
      `#1 ${dee.username}: see you at one (edited) [👍 1]`,
      `#2 ${dee.username} ↪ #1: (deleted)`,
    ]);
    // The room list counts messages, not log entries (there are 8 of those).
    expect((await chat(["rooms"])).stdout).toMatch(/^log-cli\t2 messages\t/m);
  });

  test("tail prints edits, deletes and reactions as they happen", async () => {
    const ann = await server.signUp();
    const sent = await ann.client.room.send.mutate({ room: "tail-log", text: "first words" });
    const proc = Bun.spawn(["bun", CLI, "tail", "tail-log"], { env: env(), stdout: "pipe", stderr: "pipe" });
    let out = "";
    let err = "";
    const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
      for await (const chunk of stream) add(new TextDecoder().decode(chunk));
    };
    void pump(proc.stdout, (s) => (out += s));
    void pump(proc.stderr, (s) => (err += s));
    try {
      await waitFor(() => err.includes("-- live in tail-log"), "tail to go live", 10_000);
      await ann.client.room.edit.mutate({ room: "tail-log", seq: sent.seq, text: "better words" });
      await ann.client.room.react.mutate({ room: "tail-log", seq: sent.seq, emoji: "🎉", add: true });
      await ann.client.room.react.mutate({ room: "tail-log", seq: sent.seq, emoji: "🎉", add: false });
      await ann.client.room.delete.mutate({ room: "tail-log", seq: sent.seq });
      await waitFor(() => out.includes("deleted #1"), "the delete, live", 5000);
      expect(out.trimEnd().split("\n").slice(1)).toEqual([
        `#2 ${ann.username} edited #1: better words`,
        `#3 ${ann.username} reacted 🎉 to #1`,
        `#4 ${ann.username} took back 🎉 on #1`,
        `#5 ${ann.username} deleted #1`,
      ]);
    } finally {
      proc.kill("SIGINT");
      await proc.exited;
    }
  });

  test("changing someone else's message, or a seq that is not a number, fails readably and exits non-zero", async () => {
    const owner = await server.signUp();
    const stranger = await server.signUp();
    await owner.client.room.send.mutate({ room: "not-yours", text: "mine" });

    const edit = await chat(["edit", "not-yours", "1", "hijacked"], { PARLOR_TOKEN: stranger.token });
    expect(edit).toMatchObject({ code: 1, stderr: "Only its sender can edit a message.\n" });
    const del = await chat(["delete", "not-yours", "1"], { PARLOR_TOKEN: stranger.token });
    expect(del).toMatchObject({ code: 1, stderr: "Only its sender, the room's owner or a moderator can delete a message.\n" });
    const missing = await chat(["react", "not-yours", "99", "👍"], { PARLOR_TOKEN: stranger.token });
    expect(missing).toMatchObject({ code: 1, stderr: "Room 'not-yours' has no message 99.\n" });
    const notEmoji = await chat(["react", "not-yours", "1", "yes"], { PARLOR_TOKEN: stranger.token });
    expect(notEmoji).toMatchObject({ code: 1, stderr: "emoji: An emoji is one emoji (like 👍 or 👩🏽‍💻), nothing else.\n" });

    const badSeq = await chat(["delete", "not-yours", "first"], { PARLOR_TOKEN: stranger.token });
    expect(badSeq.code).toBe(2);
    expect(badSeq.stderr).toStartWith("A message's seq is a whole number (the #number history shows), not 'first'.");
    // Nothing of that reached the message.
    const [message] = (await server.guest().client.room.history.query({ room: "not-yours" })).messages;
    expect(message).toMatchObject({ text: "mine", editedAt: null, deleted: false, reactions: [] });
  });

  test("who lists the people in a room; rooms says how many are there", async () => {
    const ann = await server.signUp("ann-cli");
    const sub = ann.client.room.presence.subscribe({ room: "gathering" }, { onData: () => {} });
    await ann.client.room.send.mutate({ room: "gathering", text: "hi" });
    await Bun.sleep(300);
    // A signed-out CLI counts as a guest while it asks.
    expect((await chat(["who", "gathering"], { XDG_CONFIG_HOME: join(configHome, "signed-out") })).stdout).toBe("ann-cli, 1 guest\n");
    expect((await chat(["rooms"])).stdout).toMatch(/^gathering\t1 messages\t1 here now\t/m);
    sub.unsubscribe();
  });

  test("errors are readable and exit non-zero: bad room, signed out, bad flag, server down", async () => {
    const bad = await chat(["send", "a..b", "hi"], { PARLOR_TOKEN: (await server.signUp()).token });
    expect(bad).toMatchObject({ code: 1, stderr: "room: A room name cannot contain '..'.\n" });

    const out = await chat(["send", "lobby", "hi"], { XDG_CONFIG_HOME: join(configHome, "nobody") });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("Sign in to do this. (sign in first: bun run chat -- login <username>)");

    const flag = await chat(["history", "lobby", "--limit", "ten"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toStartWith("--limit takes a whole number, not 'ten'.");

    const down = await chat(["rooms"], { PARLOR_URL: "http://127.0.0.1:9" });
    expect(down.code).toBe(1);
    expect(down.stderr).toStartWith("Cannot reach Parlor at http://127.0.0.1:9");
  });

  test("logout ends the session on the server and forgets the token", async () => {
    await chat(["login", "clara"], {}, "clara's password\n");
    const token = JSON.parse(await Bun.file(join(configHome, "parlor", "credentials.json")).text())[new URL(server.url).origin].token;
    expect((await chat(["logout"])).stdout).toBe("Signed out.\n");
    expect((await chat(["whoami"])).stdout).toBe("Not signed in.\n");
    expect((await chat(["whoami"], { PARLOR_TOKEN: token })).stdout).toBe("Not signed in.\n");
  });
});

describe("bun run chat: your account", () => {
  const home = (name: string) => ({ XDG_CONFIG_HOME: join(configHome, name) });
  const tokenIn = async (name: string) =>
    JSON.parse(await Bun.file(join(configHome, name, "parlor", "credentials.json")).text())[new URL(server.url).origin]?.token as string | undefined;

  test("passwd with the current and a new password (two piped lines) signs out the other session and keeps this one", async () => {
    await chat(["register", "dora"], { ...home("dora"), PARLOR_PASSWORD: "dora's password" });
    const { token: phone } = await server.guest().client.auth.login.mutate({ username: "dora", password: "dora's password" });

    const wrong = await chat(["passwd"], home("dora"), "not dora's password\nnew password 123\n");
    expect(wrong).toMatchObject({ code: 1, stderr: "Your current password is not right.\n" });

    const changed = await chat(["passwd"], home("dora"), "dora's password\nnew password 123\n");
    expect(changed).toMatchObject({ code: 0, stdout: "Password changed. 1 other session signed out; this one stays signed in.\n" });
    expect((await chat(["whoami"], home("dora"))).stdout).toBe("dora\n");
    expect(await createParlorClient({ url: server.url, token: phone }).auth.me.query()).toBeNull();
    expect((await server.guest().client.auth.login.mutate({ username: "dora", password: "new password 123" })).user.username).toBe("dora");
  });

  test("sessions lists yours, newest first after this one, which is marked", async () => {
    await chat(["register", "emil"], { ...home("emil"), PARLOR_PASSWORD: "emil's password" });
    await server.guest().client.auth.login.mutate({ username: "emil", password: "emil's password" });
    const out = await chat(["sessions"], home("emil"));
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^[0-9a-f]{16}\tsince \d{4}-\d\d-\d\dT[^\t]+\texpires [^\t]+\t\(this one\)$/);
    expect(lines[1]).not.toContain("(this one)");
  });

  test("logout --all ends every session of yours and forgets the token", async () => {
    await chat(["register", "fritz"], { ...home("fritz"), PARLOR_PASSWORD: "fritz's password" });
    const { token: phone } = await server.guest().client.auth.login.mutate({ username: "fritz", password: "fritz's password" });
    const mine = await tokenIn("fritz");
    const out = await chat(["logout", "--all"], home("fritz"));
    expect(out).toMatchObject({ code: 0, stdout: "Signed out everywhere (2 sessions).\n" });
    expect(await tokenIn("fritz")).toBeUndefined();
    for (const token of [phone, mine]) expect(await createParlorClient({ url: server.url, token }).auth.me.query()).toBeNull();
  });

  test("a message with an escape sequence and a right-to-left override prints them as visible escapes, in lines and in --json", async () => {
    const ann = await server.signUp();
    // The schema refuses C0/C1 in messages; bidi overrides are legal text, and the CLI must not trust the server anyway.
    await ann.client.room.send.mutate({ room: "bidi-cli", text: "invoice\u202Egpj.exe" });
    const lines = await chat(["history", "bidi-cli"]);
    expect(lines.stdout).toContain("invoice\\u202egpj.exe");
    expect(lines.stdout).not.toContain("\u202E");
    const json = await chat(["history", "bidi-cli", "--json"]);
    expect(json.stdout).not.toContain("\u202E");
    expect((JSON.parse(json.stdout) as { messages: { text: string }[] }).messages[0]!.text).toBe("invoice\u202Egpj.exe");
  });

  test("a token about to go over plain HTTP to another host is warned about on stderr; to this machine it is not", async () => {
    const remote = await chat(["whoami"], { PARLOR_TOKEN: "some-token", PARLOR_URL: "http://parlor.invalid" });
    expect(remote.stderr).toStartWith("Warning: sending your session token over plain HTTP to parlor.invalid");
    const local = await chat(["whoami"], { PARLOR_TOKEN: (await server.signUp()).token });
    expect(local.stderr).toBe("");
  });
});
