/** The CLI as a person runs it: a real process against a real server, its token in a private config dir. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParlorClient } from "@parlor/client";
import type { RoomUnread } from "../../shared/schemas.ts";
import { png, upload } from "../support/files.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const CLI = join(import.meta.dir, "../../client/cli/main.ts");
let server: TestServer;
let configHome: string;

beforeAll(async () => {
  // Many users sign up from this one address here: a burst big enough for them.
  server = await startTestServer({ LOGIN_BURST_PER_IP: "100" });
  configHome = mkdtempSync(join(tmpdir(), "parlor-cli-"));
});
afterAll(async () => {
  await server.stop();
  rmSync(configHome, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  PARLOR_URL: server.url,
  XDG_CONFIG_HOME: configHome,
  PARLOR_TOKEN: "",
  ...extra,
});

async function chat(args: string[], extra: Record<string, string> = {}, stdin?: string, cwd?: string) {
  const proc = Bun.spawn(["bun", CLI, ...args], {
    env: env(extra),
    cwd,
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
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
    expect(
      history.stdout
        .trimEnd()
        .split("\n")
        .map((l) => l.replace(/^\[[^\]]+\] /, "")),
    ).toEqual(["#1 clara: hello from the terminal", "#2 clara: piped text"]);
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
    const proc = Bun.spawn(["bun", CLI, "tail", "tailed", "--lines", "5"], {
      env: env(),
      stdout: "pipe",
      stderr: "pipe",
    });
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
      expect(
        out
          .trimEnd()
          .split("\n")
          .map((l) => l.replace(/^\[[^\]]+\] #\d+ \S+ /, "")),
      ).toEqual(["earlier", "live one"]);
    } finally {
      proc.kill("SIGINT");
      await proc.exited;
    }
  });

  test("send --reply, edit, react and delete change messages; history shows each in its current state", async () => {
    const dee = await server.signUp();
    const as = { PARLOR_TOKEN: dee.token };
    const first = await chat(["send", "log-cli", "see", "you", "at", "noon"], as);
    expect(first.stdout).toContain(`#1 ${dee.username}: see you at noon`);

    const reply = await chat(["send", "log-cli", "--reply", "1", "bring", "snacks"], as);
    expect(reply).toMatchObject({ code: 0 });
    expect(reply.stdout).toContain(`#2 ${dee.username} ↪ #1: bring snacks`);

    const edit = await chat(["edit", "log-cli", "#1", "see", "you", "at", "one"], as);
    expect(edit.code).toBe(0);
    expect(edit.stdout).toContain(`#1 ${dee.username}: see you at one (edited)`);
    // Editing from stdin, like send.
    expect((await chat(["edit", "log-cli", "2", "-"], as, "bring snacks and drinks\n")).stdout).toContain(
      "bring snacks and drinks (edited)",
    );

    expect((await chat(["react", "log-cli", "1", "👍"], as)).stdout).toContain(`see you at one (edited) [👍 1]`);
    const other = await server.signUp();
    await other.client.room.react.mutate({ room: "log-cli", seq: 1, emoji: "👍", add: true });
    expect((await chat(["react", "log-cli", "1", "👍", "--remove"], as)).stdout).toContain("[👍 1]");

    const del = await chat(["delete", "log-cli", "2"], as);
    expect(del).toMatchObject({ code: 0, stdout: "Deleted #2 in log-cli.\n" });

    // Each line is a message as it stands now: the edit, the reaction left, the reply deleted.
    const history = await chat(["history", "log-cli"]);
    expect(
      history.stdout
        .trimEnd()
        .split("\n")
        .map((l) => l.replace(/^\[[^\]]+\] /, "")),
    ).toEqual([`#1 ${dee.username}: see you at one (edited) [👍 1]`, `#2 ${dee.username} ↪ #1: (deleted)`]);
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
    expect(del).toMatchObject({
      code: 1,
      stderr: "Only its sender, the room's owner or a moderator can delete a message.\n",
    });
    const missing = await chat(["react", "not-yours", "99", "👍"], { PARLOR_TOKEN: stranger.token });
    expect(missing).toMatchObject({ code: 1, stderr: "Room 'not-yours' has no message 99.\n" });
    const notEmoji = await chat(["react", "not-yours", "1", "yes"], { PARLOR_TOKEN: stranger.token });
    expect(notEmoji).toMatchObject({
      code: 1,
      stderr: "emoji: An emoji is one emoji (like 👍 or 👩🏽‍💻), nothing else.\n",
    });

    const badSeq = await chat(["delete", "not-yours", "first"], { PARLOR_TOKEN: stranger.token });
    expect(badSeq.code).toBe(2);
    expect(badSeq.stderr).toStartWith("A message's seq is a whole number (the #number history shows), not 'first'.");
    // Nothing of that reached the message.
    const [message] = (await server.guest().client.room.history.query({ room: "not-yours" })).messages;
    expect(message).toMatchObject({ text: "mine", editedAt: null, deleted: false, reactions: [] });
  });

  test("who lists the people in a room; rooms says how many are there", async () => {
    const ann = await server.signUp("ann-cli");
    let here: string[] = [];
    const sub = ann.client.room.presence.subscribe({ room: "gathering" }, { onData: (p) => (here = p.users) });
    await ann.client.room.send.mutate({ room: "gathering", text: "hi" });
    await waitFor(() => here.includes("ann-cli"), "ann to be counted in the room");
    // A signed-out CLI counts as a guest while it asks.
    expect((await chat(["who", "gathering"], { XDG_CONFIG_HOME: join(configHome, "signed-out") })).stdout).toBe(
      "ann-cli, 1 guest\n",
    );
    expect((await chat(["rooms"])).stdout).toMatch(/^gathering\t1 message\t1 here now\t/m);
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
    const token = JSON.parse(await Bun.file(join(configHome, "parlor", "credentials.json")).text())[
      new URL(server.url).origin
    ].token;
    expect((await chat(["logout"])).stdout).toBe("Signed out.\n");
    expect((await chat(["whoami"])).stdout).toBe("Not signed in.\n");
    expect((await chat(["whoami"], { PARLOR_TOKEN: token })).stdout).toBe("Not signed in.\n");
  });
});

describe("bun run chat: your account", () => {
  const home = (name: string) => ({ XDG_CONFIG_HOME: join(configHome, name) });
  const tokenIn = async (name: string) =>
    JSON.parse(await Bun.file(join(configHome, name, "parlor", "credentials.json")).text())[new URL(server.url).origin]
      ?.token as string | undefined;

  test("passwd with the current and a new password (two piped lines) signs out the other session and keeps this one", async () => {
    await chat(["register", "dora"], { ...home("dora"), PARLOR_PASSWORD: "dora's password" });
    const { token: phone } = await server
      .guest()
      .client.auth.login.mutate({ username: "dora", password: "dora's password" });

    const wrong = await chat(["passwd"], home("dora"), "not dora's password\nnew password 123\n");
    expect(wrong).toMatchObject({ code: 1, stderr: "Your current password is not right.\n" });

    const changed = await chat(["passwd"], home("dora"), "dora's password\nnew password 123\n");
    expect(changed).toMatchObject({
      code: 0,
      stdout: "Password changed. 1 other session signed out; this one stays signed in.\n",
    });
    expect((await chat(["whoami"], home("dora"))).stdout).toBe("dora\n");
    expect(await createParlorClient({ url: server.url, token: phone }).auth.me.query()).toBeNull();
    expect(
      (await server.guest().client.auth.login.mutate({ username: "dora", password: "new password 123" })).user.username,
    ).toBe("dora");
  });

  test("sessions lists yours, newest first after this one, which is marked", async () => {
    await chat(["register", "emil"], { ...home("emil"), PARLOR_PASSWORD: "emil's password" });
    await server.guest().client.auth.login.mutate({ username: "emil", password: "emil's password" });
    const out = await chat(["sessions"], home("emil"));
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^[0-9a-f]{16}\t[^\t]+\tfrom 127\.0\.0\.x\tsince \d{4}-\d\d-\d\dT[^\t]+\tactive \d{4}-[^\t]+\texpires [^\t]+\t\(this one\)$/,
    );
    expect(lines[1]).not.toContain("(this one)");
  });

  test("logout --session <id> ends that session of yours only; this terminal stays signed in", async () => {
    await chat(["register", "gus"], { ...home("gus"), PARLOR_PASSWORD: "gus's password" });
    const { token: phone } = await server
      .guest()
      .client.auth.login.mutate({ username: "gus", password: "gus's password" });
    const phoneId = (await createParlorClient({ url: server.url, token: phone }).auth.sessions.query()).find(
      (s) => s.current,
    )!.id;
    const out = await chat(["logout", "--session", phoneId], home("gus"));
    expect(out).toMatchObject({ code: 0, stdout: `Session ${phoneId} ended.\n` });
    expect(await createParlorClient({ url: server.url, token: phone }).auth.me.query()).toBeNull();
    expect((await chat(["whoami"], home("gus"))).stdout).toBe("gus\n");
  });

  test("logout --all ends every session of yours and forgets the token", async () => {
    await chat(["register", "fritz"], { ...home("fritz"), PARLOR_PASSWORD: "fritz's password" });
    const { token: phone } = await server
      .guest()
      .client.auth.login.mutate({ username: "fritz", password: "fritz's password" });
    const mine = await tokenIn("fritz");
    const out = await chat(["logout", "--all"], home("fritz"));
    expect(out).toMatchObject({ code: 0, stdout: "Signed out everywhere (2 sessions).\n" });
    expect(await tokenIn("fritz")).toBeUndefined();
    for (const token of [phone, mine])
      expect(await createParlorClient({ url: server.url, token }).auth.me.query()).toBeNull();
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
    expect((JSON.parse(json.stdout) as { messages: { text: string }[] }).messages[0]!.text).toBe(
      "invoice\u202Egpj.exe",
    );
  });

  test("a token about to go over plain HTTP to another host is warned about on stderr; to this machine it is not", async () => {
    const remote = await chat(["whoami"], { PARLOR_TOKEN: "some-token", PARLOR_URL: "http://parlor.invalid" });
    expect(remote.stderr).toStartWith("Warning: sending your session token over plain HTTP to parlor.invalid");
    const local = await chat(["whoami"], { PARLOR_TOKEN: (await server.signUp()).token });
    expect(local.stderr).toBe("");
  });
});

/** A long-running CLI (tail): its output so far, and a way to stop it as Ctrl-C does. */
function spawnChat(args: string[], extra: Record<string, string>) {
  const proc = Bun.spawn(["bun", CLI, ...args], { env: env(extra), stdout: "pipe", stderr: "pipe" });
  const output = { out: "", err: "" };
  const pump = async (stream: ReadableStream<Uint8Array>, key: "out" | "err") => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output[key] += decoder.decode(chunk, { stream: true });
  };
  const pumped = Promise.all([pump(proc.stdout, "out"), pump(proc.stderr, "err")]);
  return {
    output,
    /** Resolves with the exit code once the process has ended and all it printed is read. */
    exited: async () => {
      const code = await proc.exited;
      await pumped;
      return code;
    },
    interrupt: () => proc.kill("SIGINT"),
  };
}

/** `user`'s rooms as `me.rooms` says first (its snapshot), by name. */
async function myRooms(user: TestUser): Promise<Map<string, RoomUnread>> {
  return new Promise((resolve, reject) => {
    const sub = user.client.me.rooms.subscribe(undefined, {
      onData: (e) => {
        if (e.type !== "snapshot") return;
        sub.unsubscribe();
        resolve(new Map(e.rooms.map((r) => [r.room, r])));
      },
      onError: reject,
    });
  });
}

describe("bun run chat: rooms and access", () => {
  const as = (user: TestUser) => ({ PARLOR_TOKEN: user.token, XDG_CONFIG_HOME: join(configHome, "rooms-signed-out") });

  test("create --private --topic makes a room only its members see; invite adds someone; members shows roles; info its facts", async () => {
    const [owner, guest, stranger] = await Promise.all([server.signUp(), server.signUp(), server.signUp()]);
    const created = await chat(["create", "plans-cli", "--private", "--topic", "Q1 planning"], as(owner));
    expect(created).toMatchObject({
      code: 0,
      stdout:
        "Created private room plans-cli; you are its owner.\nOnly its members see it. Add someone: bun run chat -- invite plans-cli <username>\n",
    });

    expect(await chat(["invite", "plans-cli", guest.username], as(owner))).toMatchObject({
      code: 0,
      stdout: `Invited ${guest.username} to plans-cli: they are a member now.\n`,
    });
    expect((await chat(["members", "plans-cli"], as(owner))).stdout).toBe(
      `${owner.username}\towner\n${guest.username}\tmember\n`,
    );
    expect((await chat(["info", "plans-cli"], as(guest))).stdout).toBe(
      `plans-cli (🔒 private)\ntopic: Q1 planning\nowner: ${owner.username}\nmembers: 2\nyou: member\n`,
    );

    // A non-member learns only what a name never used would tell them.
    const hidden = await chat(["members", "plans-cli"], as(stranger));
    const never = await chat(["members", "never-used-cli"], as(stranger));
    expect(hidden).toMatchObject({ code: 1, stdout: "", stderr: "Room 'plans-cli' does not exist.\n" });
    expect(never.stderr).toBe("Room 'never-used-cli' does not exist.\n");

    // A public room by create, with no topic; a taken name is the server's CONFLICT.
    expect((await chat(["create", "open-cli"], as(stranger))).stdout).toBe(
      "Created public room open-cli; you are its owner.\n",
    );
    expect(await chat(["create", "plans-cli"], as(stranger))).toMatchObject({
      code: 1,
      stderr: "Room 'plans-cli' already exists.\n",
    });
    expect((await server.guest().client.room.info.query({ room: "open-cli" })).visibility).toBe("public");
  });

  test("kick, ban and unban act on the server; a member's attempt prints the server's FORBIDDEN words and exits 1", async () => {
    const [owner, ann, ben] = await Promise.all([server.signUp(), server.signUp(), server.signUp()]);
    await owner.client.room.create.mutate({ room: "mod-cli", visibility: "private" });
    for (const u of [ann, ben]) await owner.client.room.invite.mutate({ room: "mod-cli", username: u.username });

    expect(await chat(["kick", "mod-cli", ann.username], as(ben))).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "Only the room's owner and moderators can do this.\n",
    });
    expect(await chat(["kick", "mod-cli", ann.username], as(owner))).toMatchObject({
      code: 0,
      stdout: `Removed ${ann.username} from mod-cli.\n`,
    });
    expect(await chat(["ban", "mod-cli", ben.username], as(owner))).toMatchObject({
      code: 0,
      stdout: `Banned ${ben.username} from mod-cli: they cannot come back until unbanned.\n`,
    });
    expect((await owner.client.room.members.query({ room: "mod-cli" })).map((m) => m.username)).toEqual([
      owner.username,
    ]);
    // Banned from a private room: it is as if it did not exist for them.
    expect(await chat(["history", "mod-cli"], as(ben))).toMatchObject({
      code: 1,
      stderr: "Room 'mod-cli' does not exist.\n",
    });

    expect(await chat(["invite", "mod-cli", ben.username], as(owner))).toMatchObject({
      code: 1,
      stderr: `${ben.username} is banned from this room: unban them first.\n`,
    });
    expect(await chat(["unban", "mod-cli", ben.username], as(owner))).toMatchObject({
      code: 0,
      stdout: `${ben.username} is no longer banned from mod-cli.\n`,
    });
    expect((await chat(["invite", "mod-cli", ben.username], as(owner))).code).toBe(0);
    expect((await ben.client.room.info.query({ room: "mod-cli" })).role).toBe("member");

    expect(await chat(["kick", "mod-cli", owner.username], as(owner))).toMatchObject({
      code: 1,
      stderr: "You cannot do this to yourself.\n",
    });
    const missing = await chat(["ban", "mod-cli"], as(owner));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toStartWith("Missing the username.");
    const signedOut = await chat(["invite", "mod-cli", ann.username], {
      XDG_CONFIG_HOME: join(configHome, "rooms-signed-out"),
    });
    expect(signedOut).toMatchObject({
      code: 1,
      stderr: "Sign in to do this. (sign in first: bun run chat -- login <username>)\n",
    });
  });

  test("role makes a moderator (who may then kick, but not the owner); topic sets and clears the topic; a bad role is a usage error", async () => {
    const [owner, mod, ann] = await Promise.all([server.signUp(), server.signUp(), server.signUp()]);
    await owner.client.room.create.mutate({ room: "roles-cli", visibility: "private" });
    for (const u of [mod, ann]) await owner.client.room.invite.mutate({ room: "roles-cli", username: u.username });

    expect(await chat(["role", "roles-cli", ann.username, "moderator"], as(mod))).toMatchObject({
      code: 1,
      stderr: "Only the room's owner can change roles.\n",
    });
    expect(await chat(["role", "roles-cli", mod.username, "moderator"], as(owner))).toMatchObject({
      code: 0,
      stdout: `${mod.username} is a moderator of roles-cli now.\n`,
    });
    expect((await chat(["members", "roles-cli"], as(ann))).stdout).toBe(
      `${owner.username}\towner\n${mod.username}\tmoderator\n${ann.username}\tmember\n`,
    );
    expect(await chat(["kick", "roles-cli", owner.username], as(mod))).toMatchObject({
      code: 1,
      stderr: "Nobody can do this to the room's owner.\n",
    });

    expect(await chat(["topic", "roles-cli", "launch", "week"], as(mod))).toMatchObject({
      code: 0,
      stdout: "The topic of roles-cli is now: launch week\n",
    });
    expect((await ann.client.room.info.query({ room: "roles-cli" })).topic).toBe("launch week");
    expect(await chat(["topic", "roles-cli"], as(owner))).toMatchObject({
      code: 0,
      stdout: "roles-cli has no topic now.\n",
    });
    expect((await ann.client.room.info.query({ room: "roles-cli" })).topic).toBeNull();
    expect(await chat(["topic", "roles-cli", "mine now"], as(ann))).toMatchObject({
      code: 1,
      stderr: "Only the room's owner and moderators can do this.\n",
    });

    const bad = await chat(["role", "roles-cli", ann.username, "admin"], as(owner));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toStartWith("A role is 'moderator' or 'member', not 'admin'.");
  });

  test("leave takes you out of a room; the owner cannot leave and is told why", async () => {
    const [owner, ann] = await Promise.all([server.signUp(), server.signUp()]);
    await owner.client.room.create.mutate({ room: "leave-cli", visibility: "private" });
    await owner.client.room.invite.mutate({ room: "leave-cli", username: ann.username });
    expect(await chat(["leave", "leave-cli"], as(ann))).toMatchObject({ code: 0, stdout: "You left leave-cli.\n" });
    expect((await owner.client.room.members.query({ room: "leave-cli" })).map((m) => m.username)).toEqual([
      owner.username,
    ]);
    expect(await chat(["leave", "leave-cli"], as(owner))).toMatchObject({
      code: 1,
      stderr: "The owner cannot leave their room.\n",
    });
  });

  test("dm prints the conversation's room and how to send to it; send @name goes there, and the other side reads it", async () => {
    const [ann, bob] = await Promise.all([server.signUp(), server.signUp()]);
    const { room } = await bob.client.dm.open.mutate({ username: ann.username });
    expect(await chat(["dm", bob.username], as(ann))).toMatchObject({
      code: 0,
      stdout: [
        `Your conversation with ${bob.username} is ${room}.`,
        `Send to it: bun run chat -- send @${bob.username} <text>   (or: send ${room} <text>)`,
        `Read it:    bun run chat -- tail @${bob.username}`,
        "",
      ].join("\n"),
    });
    const sent = await chat(["send", `@${bob.username}`, "hi", "bob"], as(ann));
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`${ann.username}: hi bob`);
    expect((await bob.client.room.history.query({ room })).messages.map((m) => [m.sender, m.text])).toEqual([
      [ann.username, "hi bob"],
    ]);
    expect((await chat(["history", `@${ann.username}`], as(bob))).stdout).toContain(`${ann.username}: hi bob`);

    expect(await chat(["dm", "nobody_here"], as(ann))).toMatchObject({
      code: 1,
      stderr: "No user is called 'nobody_here'.\n",
    });
    expect(await chat(["send", `@${ann.username}`, "me?"], as(ann))).toMatchObject({
      code: 1,
      stderr: "A direct conversation needs someone else.\n",
    });
  });

  test("rooms lists your rooms (🔒 on private ones and DMs, named by the other person) with exact unread and mention counts, then active public rooms", async () => {
    const [me, other] = await Promise.all([server.signUp(), server.signUp()]);
    await me.client.room.send.mutate({ room: "pub-mine", text: "I am here" });
    await other.client.room.send.mutate({ room: "pub-mine", text: "hello all" });
    await other.client.room.send.mutate({ room: "pub-mine", text: `@${me.username} a question` });
    await me.client.room.create.mutate({ room: "priv-mine", visibility: "private", topic: "just us" });
    await me.client.room.invite.mutate({ room: "priv-mine", username: other.username });
    await other.client.room.send.mutate({ room: "priv-mine", text: "first" });
    await other.client.room.send.mutate({ room: "priv-mine", text: `see this @${me.username.toUpperCase()}` });
    const { room: dm } = await other.client.dm.open.mutate({ username: me.username });
    await other.client.room.send.mutate({ room: dm, text: "psst" });

    const out = await chat(["rooms"], as(me));
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split("\n");
    const mineEnd = lines.indexOf("Active public rooms:");
    expect(lines[0]).toBe("Your rooms:");
    // Newest activity first; each: name, kind, counts, your role, last message time, topic.
    expect(lines.slice(1, mineEnd).map((l) => l.replace(/\tlast [^\t]+/, ""))).toEqual([
      `${dm}\t🔒 with ${other.username}\t1 unread, 1 mention\tmember`, // every DM message by the other person is a mention
      "priv-mine\t🔒 private\t2 unread, 1 mention\towner\tjust us",
      "pub-mine\tpublic\t2 unread, 1 mention\towner",
    ]);
    expect(lines.slice(mineEnd + 1)).toContainEqual(
      expect.stringMatching(/^pub-mine\t3 messages\t\d+ here now\tlast /),
    );
    expect(lines.slice(mineEnd + 1).join("\n")).not.toContain("priv-mine");

    // Signed out: no rooms of yours, a hint on stderr, and the active public rooms still.
    const guest = await chat(["rooms"], { XDG_CONFIG_HOME: join(configHome, "rooms-signed-out") });
    expect(guest.code).toBe(0);
    expect(guest.stdout).toStartWith("Active public rooms:\n");
    expect(guest.stdout).not.toContain("priv-mine");
    expect(guest.stderr).toContain("sign in to see your rooms");
  });
});

describe("bun run chat: tail marks what it printed as read", () => {
  test("a signed-in tail moves the marker while it runs (within the throttle) and to its last printed entry when stopped; me.rooms then shows 0 unread", async () => {
    const [reader, writer] = await Promise.all([server.signUp(), server.signUp()]);
    await reader.client.room.send.mutate({ room: "read-cli", text: "I am a member" });
    for (const text of ["one", `two @${reader.username}`, "three"])
      await writer.client.room.send.mutate({ room: "read-cli", text });
    expect((await myRooms(reader)).get("read-cli")).toMatchObject({ unread: 3, mentions: 1, lastReadSeq: 0 });

    const tail = spawnChat(["tail", "read-cli"], {
      PARLOR_TOKEN: reader.token,
      XDG_CONFIG_HOME: join(configHome, "tail-signed-out"),
    });
    try {
      await waitFor(() => tail.output.err.includes("-- live in read-cli"), "tail to go live", 10_000);
      // While it runs: what it printed (seq 1–4) is read within about a second.
      const live = new Map<string, RoomUnread>();
      const sub = reader.client.me.rooms.subscribe(undefined, {
        onData: (e) => {
          if (e.type === "snapshot") for (const r of e.rooms) live.set(r.room, r);
          if (e.type === "update") live.set(e.room.room, e.room);
        },
      });
      await waitFor(() => live.get("read-cli")?.lastReadSeq === 4, "the marker to reach seq 4 while tail runs", 5000);
      expect(live.get("read-cli")).toMatchObject({ unread: 0, mentions: 0 });
      sub.unsubscribe();

      // A message printed just before Ctrl-C is marked at exit.
      const _last = await writer.client.room.send.mutate({ room: "read-cli", text: `late @${reader.username}` });
      await waitFor(() => tail.output.out.includes("late @"), "the live message", 5000);
    } finally {
      tail.interrupt();
    }
    expect(await tail.exited()).toBe(0);
    expect(tail.output.err).not.toContain("not marking");
    expect((await myRooms(reader)).get("read-cli")).toMatchObject({
      unread: 0,
      mentions: 0,
      lastReadSeq: 5,
      lastSeq: 5,
    });
  });

  test("a guest's tail (no session) prints the room and asks to mark nothing: no refusal on stderr, exit 0", async () => {
    const writer = await server.signUp();
    await writer.client.room.send.mutate({ room: "read-cli-guest", text: "for everyone" });
    const guest = spawnChat(["tail", "read-cli-guest"], { XDG_CONFIG_HOME: join(configHome, "tail-signed-out") });
    try {
      await waitFor(() => guest.output.err.includes("-- live in"), "the guest's tail to go live", 10_000);
    } finally {
      guest.interrupt();
    }
    expect(await guest.exited()).toBe(0);
    expect(guest.output.out).toContain("for everyone");
    expect(guest.output.err).not.toContain("not marking");
  });

  test("a tail of a private room ends with the server's words and exit 1 when its user is removed", async () => {
    const [owner, member] = await Promise.all([server.signUp(), server.signUp()]);
    await owner.client.room.create.mutate({ room: "kick-tail-cli", visibility: "private" });
    await owner.client.room.invite.mutate({ room: "kick-tail-cli", username: member.username });
    const tail = spawnChat(["tail", "kick-tail-cli"], {
      PARLOR_TOKEN: member.token,
      XDG_CONFIG_HOME: join(configHome, "tail-signed-out"),
    });
    try {
      await waitFor(() => tail.output.err.includes("-- live in kick-tail-cli"), "tail to go live", 10_000);
      await owner.client.room.kick.mutate({ room: "kick-tail-cli", username: member.username });
      expect(await tail.exited()).toBe(1);
    } finally {
      tail.interrupt();
    }
    expect(tail.output.err).toContain("You were removed from room 'kick-tail-cli'.");
  });
});

describe("bun run chat: files", () => {
  const as = (user: TestUser) => ({ PARLOR_TOKEN: user.token, XDG_CONFIG_HOME: join(configHome, "files-signed-out") });
  /** A directory of the test's own for files to send and downloads to land in. */
  const scratch = () => mkdtempSync(join(tmpdir(), "parlor-cli-files-"));
  const stripTime = (line: string) => line.replace(/^\[[^\]]+\] /, "");

  test("send --file (repeated) uploads each file and attaches them in order; send, history and tail show name, size and the server's absolute URL", async () => {
    const ann = await server.signUp();
    const dir = scratch();
    try {
      writeFileSync(join(dir, "notes.txt"), "x".repeat(2048));
      writeFileSync(join(dir, "photo.png"), await png());
      const sent = await chat(
        ["send", "files-cli", "--file", join(dir, "notes.txt"), "--file", join(dir, "photo.png"), "look", "at", "this"],
        as(ann),
      );
      expect(sent.code).toBe(0);
      const [message] = (await server.guest().client.room.history.query({ room: "files-cli" })).messages;
      expect(message?.text).toBe("look at this");
      expect(message?.attachments.map((a) => [a.name, a.type])).toEqual([
        ["notes.txt", "application/octet-stream"],
        ["photo.png", "image/png"],
      ]);
      const [notes, photo] = message!.attachments;
      const lines = [
        `#1 ${ann.username}: look at this`,
        `    📎 notes.txt (2.0 KiB) ${server.url}/files/${notes!.id}/notes.txt`,
        `    📎 photo.png (${photo!.size} B) ${server.url}/files/${photo!.id}/photo.png`,
      ];
      expect(sent.stdout.trimEnd().split("\n").map(stripTime)).toEqual(lines);
      expect((await chat(["history", "files-cli"])).stdout.trimEnd().split("\n").map(stripTime)).toEqual(lines);

      // Files alone: the text may be empty.
      const alone = await chat(["send", "files-cli", "--file", join(dir, "notes.txt")], as(ann));
      expect(alone.code).toBe(0);
      expect(alone.stdout).toContain(`#2 ${ann.username}: \n    📎 notes.txt (2.0 KiB) ${server.url}/files/`);

      const tail = spawnChat(["tail", "files-cli", "--lines", "0"], as(ann));
      try {
        await waitFor(() => tail.output.err.includes("-- live in files-cli"), "tail to go live", 10_000);
        await chat(["send", "files-cli", "--file", join(dir, "photo.png"), "live"], as(ann));
        await waitFor(() => tail.output.out.includes("📎 photo.png"), "the live message with its file", 10_000);
        expect(tail.output.out).toMatch(
          new RegExp(
            `#3 ${ann.username}: live\\n    📎 photo\\.png \\(\\d+ B\\) ${server.url}/files/[\\w-]+/photo\\.png\\n`,
          ),
        );
      } finally {
        tail.interrupt();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("send --file with a path that is not a readable file uploads nothing and sends nothing (exit 2)", async () => {
    const ann = await server.signUp();
    const missing = await chat(["send", "files-none-cli", "--file", "/nonexistent/photo.jpg", "hi"], as(ann));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cannot read '/nonexistent/photo.jpg': not a file.");
    await expect(server.guest().client.room.history.query({ room: "files-none-cli" })).resolves.toMatchObject({
      messages: [],
    });
  });

  test("download by id or URL saves the file under its name; a guest reads a public room's file, not a private one's (404: exit 1), its member does", async () => {
    const [ann, bob] = await Promise.all([server.signUp(), server.signUp()]);
    const bytes = "report body ".repeat(100);
    const report = await upload(ann.client, bytes, "report.txt");
    await ann.client.room.send.mutate({ room: "dl-public-cli", text: "", attachments: [report.id] });
    await ann.client.room.create.mutate({ room: "dl-private-cli", visibility: "private" });
    await ann.client.room.invite.mutate({ room: "dl-private-cli", username: bob.username });
    const secret = await upload(ann.client, "secret plans", "plans.txt");
    await ann.client.room.send.mutate({ room: "dl-private-cli", text: "", attachments: [secret.id] });
    const dir = scratch();
    try {
      const byId = await chat(["download", report.id], {}, undefined, dir);
      expect(byId).toMatchObject({ code: 0, stdout: `Saved report.txt (1.2 KiB).\n` });
      expect(readFileSync(join(dir, "report.txt"), "utf8")).toBe(bytes);
      // The URL history prints, into a directory given with -o.
      mkdirSync(join(dir, "into"));
      const byUrl = await chat(["download", `${server.url}${report.url}`, "-o", join(dir, "into")]);
      expect(byUrl.code).toBe(0);
      expect(readFileSync(join(dir, "into", "report.txt"), "utf8")).toBe(bytes);

      const asGuest = await chat(["download", secret.id, "-o", join(dir, "guest.txt")]);
      expect(asGuest.code).toBe(1);
      expect(asGuest.stderr).toContain("No such file: it may need you signed in");
      expect(existsSync(join(dir, "guest.txt"))).toBe(false);
      const asMember = await chat(["download", secret.id, "-o", "-"], as(bob));
      expect(asMember).toMatchObject({ code: 0, stdout: "secret plans" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("download never overwrites a file unless --force, and never writes through a link at the target (dangling or not), even with --force", async () => {
    const ann = await server.signUp();
    const file = await upload(ann.client, "new bytes", "f.txt");
    await ann.client.room.send.mutate({ room: "dl-safe-cli", text: "", attachments: [file.id] });
    const dir = scratch();
    try {
      const existing = join(dir, "existing.txt");
      writeFileSync(existing, "old bytes");
      const kept = await chat(["download", file.id, "-o", existing]);
      expect(kept.code).toBe(1);
      expect(kept.stderr).toContain(`${existing} exists: not overwriting it`);
      expect(readFileSync(existing, "utf8")).toBe("old bytes");

      const victim = join(dir, "victim.txt");
      writeFileSync(victim, "precious");
      symlinkSync(victim, join(dir, "link.txt"));
      symlinkSync(join(dir, "nowhere.txt"), join(dir, "dangling.txt"));
      for (const link of ["link.txt", "dangling.txt"]) {
        const refused = await chat(["download", file.id, "-o", join(dir, link)]);
        expect(refused.code).toBe(1);
        expect(lstatSync(join(dir, link)).isSymbolicLink()).toBe(true);
      }
      expect(readFileSync(victim, "utf8")).toBe("precious");
      expect(existsSync(join(dir, "nowhere.txt"))).toBe(false);

      // --force replaces a file, and a link itself (never what it points to).
      expect((await chat(["download", file.id, "-o", existing, "--force"])).code).toBe(0);
      expect(readFileSync(existing, "utf8")).toBe("new bytes");
      expect((await chat(["download", file.id, "-o", join(dir, "link.txt"), "--force"])).code).toBe(0);
      expect(lstatSync(join(dir, "link.txt")).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(dir, "link.txt"), "utf8")).toBe("new bytes");
      expect(readFileSync(victim, "utf8")).toBe("precious");
      // No temporary file is left beside the target.
      expect(readdirSync(dir).sort()).toEqual(["dangling.txt", "existing.txt", "link.txt", "victim.txt"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('profile --name and --avatar <image> set yours (the picture uploaded, its thumbnail public); profile <username> shows anyone\'s; --avatar none and --name "" clear them', async () => {
    const ann = await server.signUp();
    const dir = scratch();
    try {
      writeFileSync(join(dir, "me.png"), await png());
      const set = await chat(["profile", "--name", "Ann Lee", "--avatar", join(dir, "me.png")], as(ann));
      expect(set.code).toBe(0);
      const { avatarUrl } = await server.guest().client.user.profile.query({ username: ann.username });
      expect(avatarUrl).toMatch(/^\/files\/[\w-]+\/thumbnail$/);
      expect(set.stdout).toBe(`${ann.username}\nname: Ann Lee\navatar: ${server.url}${avatarUrl}\n`);
      expect((await fetch(`${server.url}${avatarUrl}`)).status).toBe(200);
      expect((await chat(["profile", ann.username])).stdout).toBe(set.stdout);

      const cleared = await chat(["profile", "--name", "", "--avatar", "none"], as(ann));
      expect(cleared).toMatchObject({ code: 0, stdout: `${ann.username}\nname: (none)\navatar: (none)\n` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("download refuses a URL on another server (the session token stays here) and a target that is not a file of Parlor (exit 2)", async () => {
    const ann = await server.signUp();
    const elsewhere = await chat(
      ["download", "https://elsewhere.example/files/abcdefghijklmnopqrstuvwxyz012345/x.txt"],
      as(ann),
    );
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain("is on https://elsewhere.example, not");
    const notAFile = await chat(["download", `${server.url}/api/messages/lobby/`], as(ann));
    expect(notAFile.code).toBe(2);
    expect(notAFile.stderr).toContain("is not a file URL");
  });
});
