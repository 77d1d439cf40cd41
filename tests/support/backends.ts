/**
 * The engines a contract suite runs against, from one list (memory and, where
 * it exists, Redis; SQLite and PostgreSQL). A suite loops over the list: one
 * set of tests, every backend. `PARLOR_BACKENDS=sqlite,memory` narrows the list
 * (SQLite twice: `:memory:`, one connection, and a file with its read connection).
 */
import { describe } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import pg from "pg";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { createRedisGroupLayer } from "../../server/groups/redis.ts";
import { freePort } from "./free-port.ts";

export const POSTGRES_URL = process.env.PARLOR_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.PARLOR_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface Service {
  name: string;
  /** Resolves when the service answers; rejects with why not. */
  probe(): Promise<void>;
  howToStart: string;
}

export interface Backend<T> {
  name: string;
  /** The external service it needs, if any: checked once, before its tests. */
  service?: Service;
  create(): Promise<T & { dispose(): Promise<void> }>;
}

const only = process.env.PARLOR_BACKENDS?.split(",").map((s) => s.trim());
const selected = <T>(list: Backend<T>[]) => list.filter((b) => !only || only.includes(b.name));

async function probe(suite: string, service: Service | undefined): Promise<boolean> {
  if (!service) return true;
  try {
    await service.probe();
    return true;
  } catch (error) {
    const what = `${service.name} is unreachable (${error instanceof Error ? error.message : error}). Start it with: ${service.howToStart}`;
    // CI never skips a backend: a missing service fails the run.
    if (process.env.CI) throw new Error(`CI: ${what}`);
    console.warn(`\n${"!".repeat(78)}\nSKIPPING the ${suite} suite: ${what}\n${"!".repeat(78)}\n`);
    return false;
  }
}

/**
 * `describe` once per backend, skipped loudly (never silently, never in CI) when
 * its service is missing. Await it at the top level of the test file, so the
 * probe finishes before the tests are collected.
 */
export async function describeEach<T>(title: string, backends: Backend<T>[], body: (backend: Backend<T>) => void) {
  for (const backend of selected(backends)) {
    const available = await probe(backend.name, backend.service);
    (available ? describe : describe.skip)(`${title} [${backend.name}]`, () => body(backend));
  }
}

/** `describe` that runs only where every service answers (loudly skipped otherwise; never skipped in CI). */
export async function describeWithServices(title: string, services: Service[], body: () => void) {
  let available = true;
  for (const service of services) available = (await probe(title, service)) && available;
  (available ? describe : describe.skip)(title, body);
}

export interface TestDb {
  db: Db;
}

export const postgresService: Service = {
  name: `PostgreSQL at ${POSTGRES_URL}`,
  howToStart:
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set PARLOR_TEST_POSTGRES_URL)",
  async probe() {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  },
};

let schemaCounter = 0;

/**
 * A schema of its own in the test PostgreSQL, and a DATABASE_URL that uses it; `drop` removes it.
 * Its connections carry the schema's name as their `application_name`: `terminateBackends` ends
 * exactly those (a database blip for the processes using it, and no other test).
 */
export async function createPostgresSchema(): Promise<{
  url: string;
  drop(): Promise<void>;
  terminateBackends(): Promise<number>;
}> {
  const schema = `parlor_test_${process.pid}_${++schemaCounter}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  url.searchParams.set("application_name", schema);
  return {
    url: url.toString(),
    async terminateBackends() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        const { rows } = await client.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1",
          [schema],
        );
        return rows.length;
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

export const databaseBackends: Backend<TestDb>[] = [
  {
    name: "sqlite",
    async create() {
      const db = createDb("sqlite::memory:");
      await migrateToLatest(db);
      return { db, dispose: () => db.destroy() };
    },
  },
  {
    // A file, as deployed: reads of committed rows (history pages) go through its read connection.
    name: "sqlite-file",
    async create() {
      const dir = mkdtempSync(join(tmpdir(), "parlor-db-"));
      const db = createDb(`sqlite:${join(dir, "parlor.db")}`);
      await migrateToLatest(db);
      return {
        db,
        async dispose() {
          await db.destroy();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    service: postgresService,
    async create() {
      const schema = await createPostgresSchema();
      const db = createDb(schema.url);
      await migrateToLatest(db);
      return {
        db,
        async dispose() {
          await db.destroy();
          await schema.drop();
        },
      };
    },
  },
];

/** A Redis of the tests' own: a redis-server child on a free loopback port, stopped and started at will. */
export interface PrivateRedis {
  url: string;
  /** (Re)starts it on the same port; resolves once it answers. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: an outage, not a clean shutdown). */
  stop(): Promise<void>;
}

export function hasRedisServer(): boolean {
  return Bun.which("redis-server") !== null;
}

/** For `describeWithServices`: the redis-server binary, to start a private Redis. */
export const redisServerBinary: Service = {
  name: "redis-server (installed, to start a private Redis)",
  howToStart: "apt-get install redis-server",
  async probe() {
    if (!hasRedisServer()) throw new Error("redis-server is not on PATH");
  },
};

async function ping(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    protocol: 2,
    disableClientInfo: true,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** A redis-server of this test's own on a free port; `{ started: false }`: the port is chosen but nothing listens until `start()`. */
export async function startPrivateRedis({ started = true } = {}): Promise<PrivateRedis> {
  const port = freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ReturnType<typeof Bun.spawn> | undefined;
  let watchdog: ReturnType<typeof Bun.spawn> | undefined;
  const redis: PrivateRedis = {
    url,
    async start() {
      const args = [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        tmpdir(),
      ];
      // No pipes, unref'd: it must never keep a test run (or CI's log) open.
      server = Bun.spawn(["redis-server", ...args], { stdio: ["ignore", "ignore", "ignore"] });
      server.unref();
      // bun test runs no exit hooks: a watchdog kills the server once this process is gone.
      watchdog = Bun.spawn(
        ["sh", "-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${server.pid}`],
        {
          stdio: ["ignore", "ignore", "ignore"],
        },
      );
      watchdog.unref();
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          await ping(url);
          return;
        } catch (error) {
          if (Date.now() > deadline || server.exitCode !== null)
            throw new Error(`private redis-server on port ${port} did not start: ${error}`);
          await Bun.sleep(50);
        }
      }
    },
    async stop() {
      watchdog?.kill("SIGKILL");
      server?.kill("SIGKILL");
      await server?.exited;
    },
  };
  if (started) await redis.start();
  return redis;
}

let sharedRedis: Promise<string> | undefined;

/**
 * The Redis the tests share: REDIS_URL when it answers, else (when redis-server is
 * installed) a private one for this test process. Rejects when there is neither.
 */
export function testRedisUrl(): Promise<string> {
  sharedRedis ??= ping(REDIS_URL).then(
    () => REDIS_URL,
    async (error) => {
      if (!hasRedisServer()) throw error;
      const own = await startPrivateRedis();
      console.warn(
        `Redis at ${REDIS_URL} is unreachable (${error instanceof Error ? error.message : error}): using a private redis-server at ${own.url}.`,
      );
      return own.url;
    },
  );
  return sharedRedis;
}

export const redisService: Service = {
  name: `Redis at ${REDIS_URL}`,
  howToStart: "redis-server --daemonize yes (or install redis-server, or set PARLOR_TEST_REDIS_URL)",
  probe: async () => {
    await testRedisUrl();
  },
};

let prefixCounter = 0;
/** A channel (and connection-name) prefix no other test, process or deployment uses. */
export const uniqueRedisPrefix = () =>
  `parlortest:${process.pid}:${++prefixCounter}:${Math.random().toString(36).slice(2, 8)}:`;

export interface TestGroups {
  groups: GroupLayer;
}

export const groupLayerBackends: Backend<TestGroups>[] = [
  {
    name: "memory",
    async create() {
      const groups = createMemoryGroupLayer();
      return { groups, dispose: () => groups.close() };
    },
  },
  {
    name: "redis",
    service: redisService,
    async create() {
      // Its own channel prefix: other tests and deployments on the same Redis never cross it.
      const groups = await createRedisGroupLayer({ url: await testRedisUrl(), prefix: uniqueRedisPrefix() });
      return { groups, dispose: () => groups.close() };
    },
  },
];
