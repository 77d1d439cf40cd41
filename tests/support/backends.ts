/**
 * The engines a contract suite runs against, from one list (memory and, where
 * it exists, Redis; SQLite and PostgreSQL). A suite loops over the list: one
 * set of tests, every backend. `PARLOR_BACKENDS=sqlite,memory` narrows the list.
 */
import { describe } from "bun:test";
import pg from "pg";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";

export const POSTGRES_URL = process.env.PARLOR_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface Backend<T> {
  name: string;
  /** The external service it needs, if any: checked once, before its tests. */
  service?: { name: string; probe(): Promise<void>; howToStart: string };
  create(): Promise<T & { dispose(): Promise<void> }>;
}

const only = process.env.PARLOR_BACKENDS?.split(",").map((s) => s.trim());
const selected = <T>(list: Backend<T>[]) => list.filter((b) => !only || only.includes(b.name));

async function probe(backend: Backend<unknown>): Promise<boolean> {
  if (!backend.service) return true;
  try {
    await backend.service.probe();
    return true;
  } catch (error) {
    const what = `${backend.service.name} is unreachable (${error instanceof Error ? error.message : error}). Start it with: ${backend.service.howToStart}`;
    // CI never skips a backend: a missing service fails the run.
    if (process.env.CI) throw new Error(`CI: ${what}`);
    console.warn(`\n${"!".repeat(78)}\nSKIPPING the ${backend.name} suite: ${what}\n${"!".repeat(78)}\n`);
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
    const available = await probe(backend);
    (available ? describe : describe.skip)(`${title} [${backend.name}]`, () => body(backend));
  }
}

export interface TestDb {
  db: Db;
}

let schemaCounter = 0;

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
    name: "postgres",
    service: {
      name: `PostgreSQL at ${POSTGRES_URL}`,
      howToStart: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set PARLOR_TEST_POSTGRES_URL)",
      async probe() {
        const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
        await client.connect();
        await client.end();
      },
    },
    async create() {
      // Each test database is a schema of its own, dropped afterwards.
      const schema = `parlor_test_${process.pid}_${++schemaCounter}`;
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      const url = new URL(POSTGRES_URL);
      url.searchParams.set("options", `-c search_path=${schema}`);
      const db = createDb(url.toString());
      await migrateToLatest(db);
      return {
        db,
        async dispose() {
          await db.destroy();
          await admin.query(`drop schema ${schema} cascade`);
          await admin.end();
        },
      };
    },
  },
];

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
];
