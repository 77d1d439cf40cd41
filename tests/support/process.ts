/** Parlor as a separate process, as `bun run start` runs it: for restarts, signals and crashes. */
import { join } from "node:path";
import { waitFor } from "./wait.ts";

const MAIN = join(import.meta.dir, "../../server/main.ts");

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

export interface ServerProcess {
  url: string;
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  output(): string;
  /** Sends a signal and waits for the exit code. */
  kill(signal: "SIGTERM" | "SIGKILL"): Promise<number | null>;
}

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const proc = Bun.spawn(["bun", MAIN], {
    env: { ...process.env, HOST: "127.0.0.1", NODE_ENV: "production", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out += new TextDecoder().decode(chunk);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const url = `http://127.0.0.1:${env.PORT}`;
  let up = false;
  await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${out}`);
      fetch(`${url}/healthz`).then((r) => (up = r.ok), () => {});
      return up;
    },
    "the server to answer /healthz",
    15_000,
  );
  return {
    url,
    proc,
    output: () => out,
    async kill(signal) {
      proc.kill(signal);
      return proc.exited;
    },
  };
}
