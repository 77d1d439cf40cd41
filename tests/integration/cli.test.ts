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
