/** Starts Parlor on one port: HTTP through Elysia, WebSocket upgrades at /trpc. */

import { createParlorApp, type ParlorApp, type ParlorDeps } from "./app.ts";
import type { Config } from "./config.ts";
import { largestBody } from "./http/http-app.ts";
import { DRAIN_STOP_MARGIN_MS, RECONNECT_GRACE_MS } from "./limits/defaults.ts";

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
    // Bun's default is 128 MiB. One number for the server: the largest body any path takes (an upload);
    // every other path's smaller limit is checked before its body is read (http/body-limit.ts). 413 beyond.
    // Headers are capped by Bun itself at 16 KiB (431 beyond; `bun --max-http-header-size` changes it).
    maxRequestBodySize: largestBody({
      maxRequestBodyBytes: config.limits.maxRequestBodyBytes,
      maxUploadBytes: config.files.maxUploadBytes,
    }),
    // Workers share the port; the kernel spreads connections over them (Linux).
    reusePort: config.workers > 1,
  });
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    app,
    port: server.port!,
    url: `http://${host}:${server.port}`,
    async stop() {
      // Not ready any more: a load balancer polling /readyz moves traffic away before we stop accepting it.
      app.startDraining();
      if (config.ops.shutdownDelayMs > 0) await Bun.sleep(config.ops.shutdownDelayMs);
      await drain(server, app, config.ops.shutdownTimeoutMs);
    },
  };
}

/**
 * Graceful shutdown: stop accepting; tell WebSocket clients to reconnect (to
 * another process, or to this one once it is back: they resume where they
 * were) while their sockets still serve them, then answer every call in
 * flight on them and close them; let in-flight HTTP requests finish; then
 * close the group layer and the database (SQLite checkpoints its WAL on close).
 */
async function drain(server: Bun.Server<unknown>, app: ParlorApp, timeoutMs: number): Promise<void> {
  const closed = server.stop(false);
  const sockets = app.drainConnections({ graceMs: RECONNECT_GRACE_MS, timeoutMs });
  let timer: Timer | undefined;
  const timeout = new Promise<boolean>(
    (resolve) => (timer = setTimeout(() => resolve(true), timeoutMs + DRAIN_STOP_MARGIN_MS)),
  );
  const timedOut = await Promise.race([Promise.all([closed, sockets]).then(() => false), timeout]);
  clearTimeout(timer);
  if (timedOut) await server.stop(true);
  await app.close();
}
