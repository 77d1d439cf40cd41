/**
 * `@parlor/client` as someone outside this repository gets it: packed to a
 * tarball (`bun pm pack`, which builds it), installed with npm into a fresh
 * project in a temporary directory that holds nothing else of Parlor, a script
 * type-checked there with that project's own tsc (and a wrong input refused by
 * it), then run on Bun and on Node.js (≥ 20) against a Parlor in its own
 * process, and the `parlor` command run on both. A change to the router that
 * breaks what consumer.ts writes fails here, in CI.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uniqueName } from "../support/names.ts";
import { type ParlorProcess, startParlorProcess } from "../support/parlor-process.ts";

const PACKAGE = join(import.meta.dir, "../../packages/client");
const FIXTURE = join(import.meta.dir, "../support/fixtures/client-consumer");
/** Node.js as the package promises it (engines: >= 20): NODE_BIN, else the one on PATH. */
const NODE = process.env.NODE_BIN ?? "node";

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cmd: string[], cwd: string, env: Record<string, string> = {}, stdin?: string): Promise<Ran> {
  // Only PATH and HOME from here: nothing tells the child where this repository is.
  const proc = Bun.spawn(cmd, {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** Fails with what the command printed, so a failure here says why. */
function succeeded(ran: Ran, what: string): string {
  if (ran.code !== 0) throw new Error(`${what} exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`);
  return ran.stdout;
}

let project: string;
let server: ParlorProcess;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "parlor-consumer-"));
  const packed = succeeded(await run(["bun", "pm", "pack", "--destination", project], PACKAGE), "bun pm pack");
  const tarball = packed.match(/\S+\.tgz/)?.[0];
  if (!tarball) throw new Error(`no tarball named in:\n${packed}`);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  for (const file of ["consumer.ts", "tsconfig.json"]) copyFileSync(join(FIXTURE, file), join(project, file));
  // From the registry: @parlor/client's dependencies, and tsc (tRPC's peer dependency) with the types of Node.js 20.
  succeeded(
    await run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", tarball, "@types/node@20"], project),
    "npm install",
  );
  server = await startParlorProcess();
}, 120_000);

afterAll(async () => {
  await server?.dispose();
  rmSync(project, { recursive: true, force: true });
});

describe("@parlor/client installed from its tarball into a project of its own", () => {
  test("ships its built files only, and brings no server dependency into the project", () => {
    const installed = join(project, "node_modules/@parlor/client");
    expect(readdirSync(installed).sort()).toEqual(["CHANGELOG.md", "README.md", "dist", "package.json"]);
    expect(
      readdirSync(join(installed, "dist")).filter((f) => !/^(index|fold|node|cli)([-.][\w-]+)?\.(js|d\.ts)$/.test(f)),
    ).toEqual([]);
    const present = readdirSync(join(project, "node_modules"));
    for (const serverOnly of ["elysia", "kysely", "pg", "ioredis", "lucia", "pino", "sharp", "rate-limiter-flexible"])
      expect(present).not.toContain(serverOnly);
    // Its declarations import only its dependencies and each other: no file of the server, no server package.
    const declarations = readdirSync(join(installed, "dist"))
      .filter((f) => f.endsWith(".d.ts"))
      .map((f) => readFileSync(join(installed, "dist", f), "utf8"))
      .join("\n");
    // Statements at the start of a line (the JSDoc examples import the package itself), and import("…") types.
    const imported = new Set(
      [...declarations.matchAll(/^(?:import|export)\b[^'";]*?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
        (m) => (m[1] ?? m[2])!,
      ),
    );
    expect(imported).toContain("@trpc/server");
    expect([...imported].filter((id) => !/^(@trpc\/(client|server)(\/[\w-]+)?|zod|\.\/[\w.-]+\.js)$/.test(id))).toEqual(
      [],
    );
  });

  test("consumer.ts type-checks with the project's own tsc", async () => {
    succeeded(await run(["node_modules/.bin/tsc", "-p", "."], project), "tsc");
  }, 60_000);

  test("a wrong input does not compile: room.send without its text, and a misspelt procedure", async () => {
    const wrong = readFileSync(join(project, "consumer.ts"), "utf8")
      .replace("send.mutate({ room, text: `hello", "send.mutate({ room, txt: `hello")
      .replace("chat.room.history.query(", "chat.room.histories.query(");
    writeFileSync(join(project, "wrong.ts"), wrong);
    writeFileSync(
      join(project, "tsconfig.wrong.json"),
      JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, files: ["wrong.ts"] }),
    );
    const ran = await run(["node_modules/.bin/tsc", "-p", "tsconfig.wrong.json"], project);
    expect(ran.code).not.toBe(0);
    expect(ran.stdout).toContain("wrong.ts");
    expect(ran.stdout).toMatch(/'txt' does not exist/);
    expect(ran.stdout).toMatch(/'histories' does not exist/);
  }, 60_000);

  const expectedRun = (username: string) => ({
    signedInAs: username,
    history: [`hello @${username}`],
    live: "and live",
    folded: [`hello @${username}`, "and live"],
    mentionsMe: true,
    refused: "NOT_FOUND",
  });

  for (const runtime of ["bun", NODE]) {
    test(`consumer.ts runs on ${runtime === "bun" ? "Bun" : "Node.js"}: signs up, sends, reads history, follows the room live, folds it`, async () => {
      const username = uniqueName("pkg");
      const out = succeeded(
        await run([runtime, "out/consumer.js"], project, { PARLOR_URL: server.url, PARLOR_USERNAME: username }),
        `consumer on ${runtime}`,
      );
      expect(JSON.parse(out)).toEqual(expectedRun(username));
    }, 30_000);
  }

  test("the `parlor` command runs on Node.js and on Bun, signed in with PARLOR_TOKEN, reads stdin on both, and names itself `parlor`", async () => {
    const { username, token } = await server.signUp();
    const env = { PARLOR_URL: server.url, PARLOR_TOKEN: token, XDG_CONFIG_HOME: join(project, "config") };
    const room = `${username}-cli`;
    expect(
      succeeded(
        await run([NODE, "node_modules/.bin/parlor", "send", room, "sent from node"], project, env),
        "parlor send on Node.js",
      ),
    ).toContain("sent from node");
    // "-": the text from stdin (read through Bun.stdin before, which Node.js has not).
    expect(
      succeeded(
        await run([NODE, "node_modules/.bin/parlor", "send", room, "-"], project, env, "piped into node\n"),
        "parlor send - on Node.js",
      ),
    ).toContain("piped into node");
    const history = succeeded(
      await run(["bun", "node_modules/.bin/parlor", "history", room], project, env),
      "parlor history on Bun",
    );
    expect(history).toContain(username);
    expect(history.indexOf("sent from node")).toBeLessThan(history.indexOf("piped into node"));
    expect(history.indexOf("sent from node")).toBeGreaterThan(-1);
    expect(succeeded(await run([NODE, "node_modules/.bin/parlor", "--help"], project), "parlor --help")).toContain(
      "Usage: parlor <command>",
    );
  }, 60_000);
});
