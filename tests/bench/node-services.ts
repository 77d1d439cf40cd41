/**
 * The services several nodes share, reachable on the network as a deployment's
 * are: a private Redis and a private PostgreSQL cluster, both listening on the
 * node network's host address (netns.ts). The machine's own PostgreSQL and Redis
 * listen on 127.0.0.1 only, which a node in its own namespace cannot reach; a
 * private cluster (not a forwarder in the bench) keeps the bench's process off
 * the path and gives the nodes a PostgreSQL over TCP, as in production.
 * PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user (runuser).
 */
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Child, freePort, spawnChild } from "./procs.ts";

const PG_DIR_PREFIX = "parlor-bench-pg-";

export interface SharedService {
  url: string;
  /** The process whose tree does the service's work (CPU accounting). */
  pid(): number;
  stop(): Promise<void>;
}

/** Redis off loopback, as a deployment's: with a password (else it refuses other hosts: protected mode). */
export async function startSharedRedis(address: string): Promise<SharedService> {
  const port = freePort();
  const password = crypto.randomUUID().replaceAll("-", "");
  const child: Child = spawnChild([
    "redis-server",
    "--port",
    String(port),
    "--bind",
    address,
    "--save",
    "",
    "--appendonly",
    "no",
    "--requirepass",
    password,
  ]);
  await child.line(/Ready to accept connections/);
  return { url: `redis://:${password}@${address}:${port}`, pid: () => child.pid, stop: () => child.stop() };
}

function pgBin(): string {
  const root = "/usr/lib/postgresql";
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin/pg_ctl")))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!version) throw new Error(`nodes: no PostgreSQL server binaries under ${root}/*/bin (initdb, pg_ctl)`);
  return join(root, version, "bin");
}

function asPostgres(argv: string[]): string {
  const r = Bun.spawnSync(["runuser", "-u", "postgres", "--", ...argv], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed (${r.exitCode}): ${r.stderr.toString().trim()}`);
  return r.stdout.toString();
}

/** Clusters of runs whose process is gone: stopped at once and removed. */
function removeStaleClusters(bin: string) {
  for (const name of readdirSync(tmpdir())) {
    const owner = name.startsWith(PG_DIR_PREFIX) ? Number(name.slice(PG_DIR_PREFIX.length).split("-")[0]) : NaN;
    if (!owner || owner === process.pid || existsSync(`/proc/${owner}`)) continue;
    const data = join(tmpdir(), name, "data");
    if (existsSync(join(data, "postmaster.pid")))
      Bun.spawnSync(["runuser", "-u", "postgres", "--", join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]);
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * A fresh cluster on `address`, trusting the node network (its /24) as the machine's
 * trusts loopback; default settings (fsync and synchronous_commit on), as the machine's.
 */
export async function startSharedPostgres(address: string): Promise<SharedService> {
  const bin = pgBin();
  removeStaleClusters(bin);
  const dir = mkdtempSync(join(tmpdir(), `${PG_DIR_PREFIX}${process.pid}-`));
  const pg = Number(/^\d+/.exec(asPostgres(["id", "-u"]))![0]);
  const gid = Number(/^\d+/.exec(asPostgres(["id", "-g"]))![0]);
  chownSync(dir, pg, gid);
  const data = join(dir, "data");
  const port = freePort();
  const ctl = (...args: string[]) => asPostgres([join(bin, "pg_ctl"), "-D", data, ...args]);
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      Bun.spawnSync(["runuser", "-u", "postgres", "--", join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", () => void stop());
  try {
    asPostgres([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    const subnet = address.split(".").slice(0, 3).join(".");
    appendFileSync(join(data, "pg_hba.conf"), `host all all ${subnet}.0/24 trust\n`);
    const options = `-c listen_addresses=${address} -p ${port} -k ${dir}`;
    ctl("-l", join(dir, "log"), "-o", options, "-w", "-t", "60", "start");
    started = true;
  } catch (error) {
    await stop();
    throw error;
  }
  const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  return { url: `postgres://postgres@${address}:${port}/postgres`, pid: () => postmaster, stop };
}
