/** The CLI as a person runs it: a real process against a real server, its token in a private config dir. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
