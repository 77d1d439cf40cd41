/**
 * Several Parlor processes on one port: the supervisor starts `workers` copies
 * of the server, each binding the port with `reusePort` (the kernel spreads
 * connections over them), and restarts any that dies while the others keep
 * serving. It holds no connection of its own: everything a worker shares with
 * the others lives in Redis and the database.
 */
import type { Subprocess } from "bun";
import {
  WORKER_HEALTHY_AFTER_MS,
  WORKER_RESTART_FIRST_MS,
  WORKER_RESTART_MAX_MS,
  WORKER_STOP_GRACE_MS,
} from "../limits/defaults.ts";
import { createHashSlotBroker, type HashSlotBroker } from "./hash-slots.ts";

/** Set in a worker's environment to its number (1…n); unset in a lone server or the supervisor. */
export const WORKER_ENV = "PARLOR_WORKER";

export interface SupervisorOptions {
  workers: number;
  /** The worker's command line, e.g. `[process.execPath, "server/main.ts"]`. */
  command: string[];
  /** The workers' environment (the supervisor adds WORKER_ENV). */
  env: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** First restart delay; doubles while a worker keeps dying young, up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** Password hashes at once on this machine, lent to the workers over IPC (see hash-slots.ts). */
  hashConcurrency?: number;
}

export interface Supervisor {
  /** The live worker processes' ids, by worker number. */
  pids(): Map<number, number>;
  /** The machine's hash slots (set when `hashConcurrency` is). */
  hashSlots: HashSlotBroker | undefined;
  /** SIGTERM to every worker; resolves when all have exited (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export function startSupervisor(options: SupervisorOptions): Supervisor {
  const log = options.log ?? ((line) => console.log(line));
  const firstDelay = options.restartDelayMs ?? WORKER_RESTART_FIRST_MS;
  const maxDelay = options.maxRestartDelayMs ?? WORKER_RESTART_MAX_MS;
  const running = new Map<number, Subprocess>();
  const exited = new Map<number, Promise<void>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopping = false;
  const hashSlots = options.hashConcurrency ? createHashSlotBroker(options.hashConcurrency) : undefined;

  /** Starts worker `n`; `delay` is how long to wait before restarting it if it dies young. */
  function spawn(n: number, delay: number) {
    const started = Date.now();
    let markExited!: () => void;
    exited.set(n, new Promise<void>((resolve) => (markExited = resolve)));
    const proc = Bun.spawn(options.command, {
      env: { ...options.env, [WORKER_ENV]: String(n) },
      stdio: ["ignore", "inherit", "inherit"],
      ...(hashSlots && {
        serialization: "json" as const,
        ipc(message: unknown, child: Subprocess) {
          hashSlots.handle(n, message, (reply) => child.send(reply));
        },
      }),
      onExit(proc, code, signal) {
        running.delete(n);
        hashSlots?.workerExited(n);
        markExited();
        if (stopping) return;
        // A worker that keeps dying young (bad database URL, port taken) is retried ever more slowly.
        const wait = Date.now() - started >= WORKER_HEALTHY_AFTER_MS ? firstDelay : delay;
        log(`Parlor worker ${n} (pid ${proc.pid}) exited (${signal ?? `code ${code}`}); restarting in ${wait} ms`);
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!stopping) spawn(n, Math.min(wait * 2, maxDelay));
        }, wait);
        timers.add(timer);
      },
    });
    running.set(n, proc);
  }

  for (let n = 1; n <= options.workers; n++) spawn(n, firstDelay);

  return {
    pids: () => new Map([...running].map(([n, proc]) => [n, proc.pid])),
    hashSlots,
    async stop(graceMs = WORKER_STOP_GRACE_MS) {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      for (const proc of running.values()) proc.kill("SIGTERM");
      const all = Promise.all(exited.values());
      const timeout = setTimeout(() => {
        for (const proc of running.values()) proc.kill("SIGKILL");
      }, graceMs);
      await all;
      clearTimeout(timeout);
    },
  };
}
