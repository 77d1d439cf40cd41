/**
 * Parlor as a separate process, as `bun run start` runs it (`bun server/main.ts`,
 * NODE_ENV=production): for signals, crashes and restarts, several processes on
 * one Redis, and memory measured in the process under attack. The one fixture for
 * every such test: `bun test` and the browser suite (Playwright runs in Node)
 * alike, hence node:child_process and no `Bun` global here.
 *
 * The child gets only PATH and HOME from the test's environment, then loopback,
 * the raised rate limits of test-limits.ts, one process (WORKERS=1), and the
 * options; `env` wins over all of it.
 *
 * @example
 * ```ts
 * const server = await startParlorProcess({ database: "sqlite::memory:", memoryProbe: true });
 * const ann = await server.signUp();
 * const { rss } = await server.measure();
 * expect(await server.stop()).toBe(0); // SIGTERM: drained and exited cleanly
 * await server.dispose();
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { createParlorClient, createParlorSocket, type ParlorClient, type ParlorSocket } from "@parlor/client";
import type { MemoryReading } from "./memory-probe.ts";
import { uniqueName } from "./names.ts";
import { TEST_LIMITS } from "./test-limits.ts";
import { eventually } from "./wait.ts";

const MAIN = join(import.meta.dirname, "../../server/main.ts");
const MEMORY_PROBE = join(import.meta.dirname, "memory-probe.ts");
/** The same Bun as the test runner's under `bun test`; the one on PATH under Playwright. */
const BUN = process.versions.bun ? process.execPath : "bun";
/** What `stop()` gives a SIGTERM before it sends SIGKILL: past the server's own 10 s drain. */
const STOP_GRACE_MS = 15_000;

export interface ParlorProcessOptions {
  /** DATABASE_URL. Default: a SQLite file in a temporary directory, kept across restarts, removed by `dispose()`. */
  database?: string;
  /** The Redis of a deployment: its URL and the channel prefix its processes share. Default: none, a process on its own. */
  redis?: { url: string; prefix: string };
  /** The port to listen on. Default: 0, the OS picks one; a restart takes the same one back. */
  port?: number;
  /** Any other setting (WORKERS, HOST, a limit under test, …); wins over everything above. */
  env?: Record<string, string>;
  /** Preloads tests/support/memory-probe.ts into the child, so `measure()` can force a collection there. */
  memoryProbe?: boolean;
}

export interface ProcessClient {
  client: ParlorClient;
  socket: ParlorSocket;
}

export interface ParlorProcess {
  /** The URL clients use (the supervisor's port, with WORKERS > 1). */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Its exit code (128 + the signal's number when a signal ended it), or null while it runs. */
  readonly exitCode: number | null;
  /** Every line the current run has printed on stdout, its workers' too. */
  readonly lines: string[];
  /** Waits (bounded) for a printed line matching `pattern` that no earlier wait consumed. */
  waitForLine(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** A user signed up through this process, with an HTTP client and a socket of its own. */
  signUp(): Promise<ProcessClient & { username: string; token: string }>;
  guest(options?: { onClose?: () => void }): ProcessClient;
  /** A client of this process with a session made anywhere (sessions live in the shared database). */
  signedInAs(token: string, options?: { onClose?: (cause?: { code?: number }) => void }): ProcessClient;
  /** With `memoryProbe`: collects the child's garbage, then reads its RSS and heap (memory-probe.ts). */
  measure(): Promise<MemoryReading>;
  /** SIGTERM, as an operator stops it (SIGKILL after 15 s); closes the clients made here first. Resolves with the exit code. */
  stop(): Promise<number>;
  /** SIGKILL: a crash. The clients made here are left to notice by themselves. Resolves with the exit code. */
  kill(): Promise<number>;
  /** Starts it again after a stop or a kill: same settings, same port, same database. */
  restart(): Promise<void>;
  /** Stops it if it runs and removes its temporary directory (the default database, uploads). */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** One run of the child: its output, lines consumed by `waitForLine`, and its exit. */
interface Run {
  child: ChildProcess;
  lines: string[];
  errors: string[];
  consumed: Set<number>;
  exited: Promise<number>;
}

function spawnRun(env: Record<string, string>, memoryProbe: boolean): Run {
  const args = memoryProbe ? ["--preload", MEMORY_PROBE, MAIN] : [MAIN];
  const child = spawn(BUN, args, { env, stdio: ["ignore", "pipe", "pipe", ...(memoryProbe ? ["ipc" as const] : [])] });
  const run: Run = { child, lines: [], errors: [], consumed: new Set(), exited: Promise.resolve(0) };
  collectLines(child.stdout!, run.lines);
  collectLines(child.stderr!, run.errors);
  run.exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0))),
  );
  return run;
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]) {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    into.push(...parts);
  });
  stream.on("end", () => rest && into.push(rest));
}

const runExitCode = (run: Run) =>
  run.child.exitCode ?? (run.child.signalCode ? 128 + constants.signals[run.child.signalCode] : null);

async function waitForLineOf(run: Run, pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    for (let i = 0; i < run.lines.length; i++) {
      const match = !run.consumed.has(i) && run.lines[i]!.match(pattern);
      if (match) {
        run.consumed.add(i);
        return match;
      }
    }
    const code = runExitCode(run);
    if (code !== null || Date.now() > deadline) {
      const why = code !== null ? `it exited with ${code}` : `${ms} ms passed`;
      throw new Error(
        `no line matching ${pattern} (${why}).\nstdout:\n${run.lines.join("\n")}\nstderr:\n${run.errors.join("\n")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startParlorProcess(options: ParlorProcessOptions = {}): Promise<ParlorProcess> {
  // Its own directory for the default database and for uploads, so no test writes into data/.
  const temporary = mkdtempSync(join(tmpdir(), "parlor-process-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    WORKERS: "1",
    ...TEST_LIMITS,
    DATABASE_URL: options.database ?? `sqlite:${join(temporary, "parlor.db")}`,
    UPLOADS_DIR: join(temporary, "uploads"),
    ...(options.redis ? { REDIS_URL: options.redis.url, REDIS_PREFIX: options.redis.prefix } : {}),
    ...options.env,
  };
  let port = options.port ?? 0;
  let url = "";
  let run: Run;
  const sockets: ParlorSocket[] = [];

  async function start() {
    run = spawnRun({ ...env, PORT: String(port) }, options.memoryProbe ?? false);
    const [, listening] = await waitForLineOf(run, /(?:listening on|workers on) (http:\/\/\S+)/);
    url = listening!;
    port = Number(new URL(url).port);
    await eventually(
      () =>
        fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      `${url}/healthz to answer`,
      15_000,
    );
  }

  async function stop(): Promise<number> {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    if (runExitCode(run) === null) run.child.kill("SIGTERM");
    const killer = setTimeout(() => run.child.kill("SIGKILL"), STOP_GRACE_MS);
    const code = await run.exited;
    clearTimeout(killer);
    return code;
  }

  const connect = (token?: string, onClose?: (cause?: { code?: number }) => void): ProcessClient => {
    const socket = createParlorSocket({ url, token, onClose });
    sockets.push(socket);
    return { socket, client: createParlorClient({ url, token, socket }) };
  };

  const dispose = async () => {
    await stop();
    rmSync(temporary, { recursive: true, force: true });
  };

  await start();
  return {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    get pid() {
      return run.child.pid!;
    },
    get exitCode() {
      return runExitCode(run);
    },
    get lines() {
      return run.lines;
    },
    waitForLine: (pattern, ms) => waitForLineOf(run, pattern, ms),
    guest: (options) => connect(undefined, options?.onClose),
    signedInAs: (token, options) => connect(token, options?.onClose),
    async signUp() {
      const username = uniqueName("u");
      const { token } = await connect().client.auth.register.mutate({ username, password: "correct horse battery" });
      return { ...connect(token), username, token };
    },
    measure() {
      if (!options.memoryProbe) throw new Error("startParlorProcess({ memoryProbe: true }) to measure the child");
      return new Promise((resolve) => {
        run.child.once("message", (reading) => resolve(reading as MemoryReading));
        run.child.send!("measure");
      });
    },
    stop,
    async kill() {
      run.child.kill("SIGKILL");
      return run.exited;
    },
    async restart() {
      if (runExitCode(run) === null) throw new Error("restart() after stop() or kill(): it is still running");
      await start();
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

/** Retries a call that may hit a process being killed (bounded: `attempts` tries, 100 ms apart). */
export async function withRetry<T>(call: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
