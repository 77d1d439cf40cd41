/**
 * A real Parlor on a free loopback port with its own fresh database, and real
 * clients for it. Every test that uses one disposes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParlorClient, createParlorSocket, type ParlorClient, type ParlorSocket } from "@parlor/client";
import type { ParlorDeps } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { type RunningServer, startServer } from "../../server/serve.ts";
import { uniqueName } from "./names.ts";

export interface TestServer extends RunningServer {
  /** A signed-up user's client (HTTP with bearer token, WebSocket with connectionParams). */
  signUp(username?: string): Promise<TestUser>;
  /** A client with no session. */
  guest(): TestClient;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface TestClient {
  client: ParlorClient;
  socket: ParlorSocket;
}

export interface TestUser extends TestClient {
  username: string;
  token: string;
}

export { uniqueName };

export async function startTestServer(env: Record<string, string> = {}, deps?: ParlorDeps): Promise<TestServer> {
  // Files in a directory of this server's own, removed with it.
  const uploads = mkdtempSync(join(tmpdir(), "parlor-uploads-"));
  const config = loadConfig({
    UPLOADS_DIR: uploads,
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: "sqlite::memory:",
    NODE_ENV: "test",
    // Every test signs its users up from one address (loopback); the sign-up limit has its own tests.
    REGISTER_BURST_PER_IP: "10000",
    REGISTER_PER_HOUR_PER_IP: "10000",
    ...env,
  });
  const server = await startServer(config, deps);
  const sockets: ParlorSocket[] = [];

  const connect = (token?: string): TestClient => {
    // Lazy: a socket opens with the first subscription, so HTTP-only clients hold none.
    const socket = createParlorSocket({ url: server.url, token });
    sockets.push(socket);
    return { socket, client: createParlorClient({ url: server.url, token, socket }) };
  };

  const stop = async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server.stop();
    rmSync(uploads, { recursive: true, force: true });
  };

  return {
    ...server,
    stop,
    [Symbol.asyncDispose]: stop,
    guest: () => connect(),
    async signUp(username = uniqueName("user")) {
      const { token } = await connect().client.auth.register.mutate({ username, password: "correct horse battery" });
      return { ...connect(token), username, token };
    },
  };
}
