/** Starts Parlor on one port: HTTP through Elysia, WebSocket upgrades at /trpc. */
import type { Config } from "./config.ts";
import { createParlorApp, type ParlorApp, type ParlorDeps } from "./app.ts";

export interface RunningServer {
  app: ParlorApp;
  /** e.g. http://localhost:3000 */
  url: string;
  port: number;
  /** Closes every connection, then the group layer and the database. */
  stop(): Promise<void>;
}

export async function startServer(config: Config, deps?: ParlorDeps): Promise<RunningServer> {
  const app = await createParlorApp(config, deps);
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    fetch: app.fetch,
    websocket: app.websocket,
    development: !config.production,
  });
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    app,
    port: server.port!,
    url: `http://${host}:${server.port}`,
    async stop() {
      await server.stop(true);
      await app.close();
    },
  };
}
