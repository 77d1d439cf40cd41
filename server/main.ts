/** `bun run dev` / `bun run start`: Parlor from the environment's configuration. */
import { ConfigError, loadConfig } from "./config.ts";
import { startServer } from "./serve.ts";

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const server = await startServer(config);
console.log(`Parlor listening on ${server.url} (${config.nodeEnv}; database ${config.databaseUrl})`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  });
}
