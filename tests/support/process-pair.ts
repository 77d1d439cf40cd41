/**
 * Two Parlor processes (parlor-process.ts) on one Redis and a fresh PostgreSQL
 * schema: started one after the other (the first runs the migrations), stopped
 * and the schema dropped together. `useProcessPair` does it around a `describe`
 * block. (Apart from parlor-process.ts because it needs bun:test and the
 * backends, which the browser suite cannot load.)
 */
import { afterAll, beforeAll } from "bun:test";
import { createPostgresSchema, testRedisUrl, uniqueRedisPrefix } from "./backends.ts";
import { type ParlorProcess, startParlorProcess } from "./parlor-process.ts";

export interface ProcessPair {
  readonly a: ParlorProcess;
  readonly b: ParlorProcess;
}

export interface StartedPair extends ProcessPair {
  /** Their database (a schema of its own): for a test that changes rows behind their backs. */
  databaseUrl: string;
  /** Their Redis channel prefix (naming their connections too). */
  prefix: string;
  stop(): Promise<void>;
}

/** Two processes on `redisUrl` (a private server, for a test that stops it) and a fresh schema; `env` for both. */
export async function startProcessPair(redisUrl: string, env: Record<string, string> = {}): Promise<StartedPair> {
  const schema = await createPostgresSchema();
  const prefix = uniqueRedisPrefix();
  const shared = { database: schema.url, redis: { url: redisUrl, prefix }, env };
  const a = await startParlorProcess(shared);
  const b = await startParlorProcess(shared);
  return {
    a,
    b,
    databaseUrl: schema.url,
    prefix,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await schema.drop();
    },
  };
}

export function useProcessPair(env: Record<string, string> = {}): ProcessPair & { readonly prefix: string } {
  let pair: StartedPair | undefined;
  beforeAll(async () => {
    pair = await startProcessPair(await testRedisUrl(), env);
  }, 30_000);
  afterAll(() => pair?.stop());
  return {
    get a() {
      return pair!.a;
    },
    get b() {
      return pair!.b;
    },
    get prefix() {
      return pair!.prefix;
    },
  };
}
