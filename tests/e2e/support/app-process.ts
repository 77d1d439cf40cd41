/**
 * A Parlor server of a test's own, as `bun run start` runs it, for scenarios
 * that stop and start the server. Its database file outlives a restart.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_LIMITS } from "./test-limits.ts";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

export async function startAppProcess(): Promise<AppProcess> {
  const dir = mkdtempSync(join(tmpdir(), "parlor-e2e-own-"));
  const port = await freePort();
  const url = `http://localhost:${port}`;
  let child: ChildProcess | null = null;
  let output = "";

  async function start() {
    child = spawn("bun", ["server/main.ts"], {
      env: { ...process.env, PORT: String(port), HOST: "localhost", DATABASE_URL: `sqlite:${join(dir, "parlor.db")}`, NODE_ENV: "production", REDIS_URL: "", ...TEST_LIMITS },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    try {
      await waitHealthy(url);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${output}`);
    }
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
    url,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
