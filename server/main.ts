/**
 * `bun run dev` / `bun run start`: Parlor from the environment's configuration.
 * One server; or, with WORKERS > 1, a supervisor of that many servers sharing
 * the port (each a copy of this script with PARLOR_WORKER set).
 */
import { createDb } from "../db/index.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { createIpcSemaphore, type IpcChannel } from "./cluster/hash-slots.ts";
import { startSupervisor, WORKER_ENV } from "./cluster/supervisor.ts";
import { type Config, ConfigError, loadConfig, redactSecrets as redact } from "./config.ts";
import { SUPERVISOR_CHECK_MS } from "./limits/defaults.ts";
import { createLogger } from "./ops/log.ts";
import { startServer } from "./serve.ts";

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

function onStopSignal(stop: () => Promise<void>) {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      await stop();
      process.exit(0);
    });
  }
}

async function serve(config: Config, worker: string | undefined) {
  // A worker hashes on its supervisor's slots: HASH_CONCURRENCY holds for the machine, not per worker.
  const hashSlots = worker && process.send ? createIpcSemaphore(process as unknown as IpcChannel) : undefined;
  const server = await startServer(config, { hashSlots });
  const layer = config.redisUrl ? `redis ${redact(config.redisUrl)}` : "in-memory groups";
  const who = worker ? `Parlor worker ${worker} (pid ${process.pid})` : "Parlor";
  server.app.log.info(
    { url: server.url, env: config.nodeEnv, database: redact(config.databaseUrl), groups: layer, worker },
    `${who} listening on ${server.url} (${config.nodeEnv}; database ${redact(config.databaseUrl)}; ${layer})`,
  );
  onStopSignal(() => server.stop());
  if (worker) {
    // A worker outlives a supervisor killed without notice: notice instead, and leave.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
    }, SUPERVISOR_CHECK_MS).unref();
  }
}

async function supervise(config: Config) {
  // Migrate once here, rather than in n workers at once.
  const db = createDb(config.databaseUrl);
  await migrateToLatest(db);
  await db.destroy();
  // Every worker must bind the same port: pick the free one now if asked for any.
  let port = config.port;
  if (port === 0) {
    const probe = Bun.serve({ hostname: config.host, port: 0, fetch: () => new Response() });
    port = probe.port!;
    await probe.stop(true);
  }
  const log = await createLogger({ level: config.ops.logLevel, pretty: config.ops.logPretty });
  const supervisor = startSupervisor({
    log: (line) => log.info({ supervisor: process.pid }, line),
    workers: config.workers,
    command: [process.execPath, import.meta.path],
    hashConcurrency: config.limits.hashConcurrency,
    env: { ...process.env, PORT: String(port) },
  });
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  log.info(
    { workers: config.workers, url: `http://${host}:${port}` },
    `Parlor supervisor: ${config.workers} workers on http://${host}:${port} (pid ${process.pid})`,
  );
  onStopSignal(() => supervisor.stop());
}

const worker = process.env[WORKER_ENV] || undefined;
if (config.workers > 1 && !worker) await supervise(config);
else await serve(config, worker);
