/** Parlor as a separate process, as `bun run start` runs it: for restarts, signals and crashes. */
import { join } from "node:path";
import type { MemoryReading } from "./memory-probe.ts";
import { waitFor } from "./wait.ts";

const MAIN = join(import.meta.dir, "../../server/main.ts");
const MEMORY_PROBE = join(import.meta.dir, "memory-probe.ts");

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
  /** With `memoryProbe`: collects the child's garbage, then reads its RSS and heap (memory-probe.ts). */
  measure(): Promise<MemoryReading>;
}

export interface SpawnOptions {
  /** Preloads tests/support/memory-probe.ts into the child, so `measure()` can force a collection there. */
  memoryProbe?: boolean;
}

export async function spawnServer(env: Record<string, string>, opts: SpawnOptions = {}): Promise<ServerProcess> {
  let answered: ((reading: MemoryReading) => void) | null = null;
  const proc = Bun.spawn(opts.memoryProbe ? ["bun", "--preload", MEMORY_PROBE, MAIN] : ["bun", MAIN], {
    env: { ...process.env, HOST: "127.0.0.1", NODE_ENV: "production", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    ...(opts.memoryProbe ? { ipc: (reading: MemoryReading) => answered?.(reading) } : {}),
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
    measure() {
      if (!opts.memoryProbe) throw new Error("spawnServer(env, { memoryProbe: true }) to measure the child");
      const { promise, resolve } = Promise.withResolvers<MemoryReading>();
      answered = resolve;
      proc.send("measure");
      return promise;
    },
  };
}
