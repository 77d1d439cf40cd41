/**
 * A Parlor server of a test's own, as `bun run start` runs it, for scenarios
 * that stop and start the server. Its database file outlives a restart.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_LIMITS } from "./test-limits.ts";

async function waitHealthy(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server at ${url} did not become healthy in ${timeoutMs} ms`);
}

export interface AppProcess {
  url: string;
  /** SIGTERM, as an operator stops it: every connection is closed. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same database. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Resolves with the URL the server prints once it listens. */
function listeningUrl(child: ChildProcess, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the server did not say where it listens:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
}

/** `env` overrides the suite's settings (e.g. a low SEND_BURST for a scenario about the rate limit). */
export async function startAppProcess(env: Record<string, string> = {}): Promise<AppProcess> {
  const dir = mkdtempSync(join(tmpdir(), "parlor-e2e-own-"));
  let child: ChildProcess | null = null;
  // The first start takes any free port; a restart takes the same one back, as a restarted service does.
  let port = "0";
  let url = "";

  async function start() {
    child = spawn("bun", ["server/main.ts"], {
      env: { ...process.env, PORT: port, HOST: "localhost", DATABASE_URL: `sqlite:${join(dir, "parlor.db")}`, UPLOADS_DIR: join(dir, "uploads"), NODE_ENV: "production", REDIS_URL: "", ...TEST_LIMITS, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await listeningUrl(child);
    port = new URL(url).port;
    await waitHealthy(url);
  }

  async function stop() {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
    child = null;
  }

  await start();
  return {
    get url() {
      return url;
    },
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
