/** The servers a bench run measures: Parlor as `bun run start` runs it, and the bare ceiling. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Child, freePort, pinned, ROOT, SERVER_CPU, spawnChild } from "./procs.ts";

/** Limits raised so that the bench measures the path, not the guards (defaults stay as they are). */
export const BENCH_LIMITS: Record<string, string> = {
  MAX_CONNECTIONS: "100000",
  MAX_CONNECTIONS_PER_IP: "100000",
  MAX_CONNECTIONS_PER_USER: "100000",
  MAX_SUBSCRIPTIONS_PER_CONNECTION: "100",
  // The open-loop sender keeps many sends in flight on one socket.
  MAX_CALLS_IN_FLIGHT: "100000",
  SEND_BURST: "1000000",
  SEND_PER_SECOND: "1000000",
  LOGIN_BURST_PER_USERNAME_IP: "100000",
  LOGIN_PER_MINUTE_PER_USERNAME_IP: "100000",
  LOGIN_BURST_PER_IP: "100000",
  LOGIN_PER_MINUTE_PER_IP: "100000",
  REGISTER_BURST_PER_IP: "100000",
  REGISTER_PER_HOUR_PER_IP: "100000",
  // Daily upload quotas and the per-user cap; UPLOADS_IN_FLIGHT (the process's memory bound) stays as shipped.
  UPLOADS_PER_DAY: "1000000",
  UPLOAD_BYTES_PER_DAY: String(2 ** 50),
  UPLOADS_IN_FLIGHT_PER_USER: "1000",
};

export interface BenchServer {
  kind: "parlor" | "bare";
  url: string;
  wsUrl: string;
  pid: number;
  child: Child;
  stop(): Promise<void>;
}

export interface ParlorOptions {
  /** Extra environment (limits, REDIS_URL, WORKERS…). */
  env?: Record<string, string>;
  /** An existing SQLite file; default a fresh one in a temp dir. */
  databasePath?: string;
  /** Core to pin to; null: not pinned. */
  cpu?: string | null;
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "parlor-bench-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startParlor(opts: ParlorOptions = {}): Promise<BenchServer> {
  const dir = opts.databasePath ? null : tempDir();
  const dbPath = opts.databasePath ?? join(dir!.path, "parlor.db");
  const port = freePort();
  const child = spawnChild(
    pinned(opts.cpu === undefined ? SERVER_CPU : opts.cpu, ["bun", join(ROOT, "server/main.ts")]),
    {
      HOST: "127.0.0.1",
      PORT: String(port),
      NODE_ENV: "production",
      DATABASE_URL: `sqlite:${dbPath}`,
      ...BENCH_LIMITS,
      ...opts.env,
    },
  );
  await child.line(/listening on|workers on/);
  const url = `http://127.0.0.1:${port}`;
  // With WORKERS the supervisor prints first: wait until the port answers.
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await Bun.sleep(100);
  }
  return {
    kind: "parlor",
    url,
    wsUrl: `ws://127.0.0.1:${port}/trpc`,
    pid: child.pid,
    child,
    async stop() {
      await child.stop();
      dir?.remove();
    },
  };
}

/** A bare ceiling server (one of this folder's scripts) on its own core; it prints `PORT <n>` once it listens. */
async function startBareScript(script: string, args: string[], cpu: string | null): Promise<BenchServer> {
  const child = spawnChild(pinned(cpu, ["bun", join(import.meta.dir, script), ...args]));
  const port = (await child.line(/^PORT (\d+)/))[1];
  return {
    kind: "bare",
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/`,
    pid: child.pid,
    child,
    stop: () => child.stop(),
  };
}

/** The fan-out ceiling (bare-server.ts): `server.publish`, stores nothing. */
export const startBare = (cpu: string | null = SERVER_CPU) => startBareScript("bare-server.ts", [], cpu);

/** The send path's ceiling (bare-store-server.ts): stores in SQLite at `dbPath`, publishes after each turn's commit. */
export const startBareStore = (dbPath: string, cpu: string | null = SERVER_CPU) =>
  startBareScript("bare-store-server.ts", [dbPath], cpu);

/** The uploads' ceiling (bare-upload-server.ts): multipart in, the file written to `dir`. */
export const startBareUpload = (dir: string, cpu: string | null = SERVER_CPU) =>
  startBareScript("bare-upload-server.ts", [dir], cpu);

/** Signs up `count` bench users through the real auth path (Argon2id): a few users, many connections each. */
export async function benchUsers(
  url: string,
  count: number,
  prefix = "bench",
): Promise<{ username: string; token: string }[]> {
  const users = [];
  for (let i = 0; i < count; i++) {
    const username = `${prefix}${i}_${Math.random().toString(36).slice(2, 7)}`;
    const res = await fetch(`${url}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password: BENCH_PASSWORD }),
    });
    if (!res.ok) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { result: { data: { token: string } } };
    users.push({ username, token: body.result.data.token });
  }
  return users;
}

export const BENCH_PASSWORD = "correct horse battery staple";
