/**
 * `bun run dev`: the Bun server in watch mode and Vite with HMR, as one command.
 *
 * Open http://localhost:3000/ (or $PORT): Vite serves the page there and
 * forwards /trpc (WebSocket included), /api, /healthz and /chat to the Bun
 * server on the next port ($PARLOR_API_PORT to choose another), keeping the
 * Host header so the server's Origin check sees the page's own origin.
 * Ctrl-C stops both; if either stops by itself, the other is stopped too.
 */
import type { Subprocess } from "bun";

const webPort = Number(process.env.PORT ?? 3000);
const apiPort = Number(process.env.PARLOR_API_PORT ?? webPort + 1);
const apiHost = process.env.HOST ?? "localhost";

const children: Subprocess[] = [
  Bun.spawn([process.execPath, "--watch", "server/main.ts"], {
    env: { ...process.env, PORT: String(apiPort), HOST: apiHost },
    stdio: ["inherit", "inherit", "inherit"],
  }),
  Bun.spawn([process.execPath, "x", "vite", "--port", String(webPort), "--strictPort"], {
    env: { ...process.env, PORT: String(webPort), PARLOR_DEV_API: `http://${apiHost}:${apiPort}` },
    stdio: ["inherit", "inherit", "inherit"],
  }),
];

let stopping = false;
async function stopAll(signal: NodeJS.Signals, exitCode: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
  await Promise.all(children.map((child) => child.exited));
  process.exit(exitCode);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stopAll(signal, 0));
for (const child of children) void child.exited.then((code) => stopAll("SIGTERM", code ?? 1));

console.log(`parlor dev: open http://localhost:${webPort}/ (Vite with HMR; Bun server on port ${apiPort})`);
