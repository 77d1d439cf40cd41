/**
 * Two Parlor processes on one Redis and a fresh PostgreSQL schema, for a
 * `describe` block: started before its tests (one after the other: the first
 * runs the migrations), stopped and the schema dropped after them.
 */
import { afterAll, beforeAll } from "bun:test";
import { createPostgresSchema, testRedisUrl, uniqueRedisPrefix } from "../support/backends.ts";
import { type ParlorProcess, startParlorProcess } from "./parlor-process.ts";

export interface ProcessPair {
  readonly a: ParlorProcess;
  readonly b: ParlorProcess;
}

export function useProcessPair(env: Record<string, string> = {}): ProcessPair {
  let a: ParlorProcess | undefined;
  let b: ParlorProcess | undefined;
  let dropSchema: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const schema = await createPostgresSchema();
    dropSchema = schema.drop;
    const shared = { DATABASE_URL: schema.url, REDIS_URL: await testRedisUrl(), REDIS_PREFIX: uniqueRedisPrefix(), WORKERS: "1", ...env };
    a = await startParlorProcess(shared);
    b = await startParlorProcess(shared);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema?.();
  });
  return {
    get a() {
      return a!;
    },
    get b() {
      return b!;
    },
  };
}
