/** Processes the bench starts (servers, generators), pinned to cores, and what /proc says about them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");
const HAS_TASKSET = Bun.which("taskset") !== null;
/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ). */
const TICKS = 100;

export const cores = navigator.hardwareConcurrency;
/** Server on core 0, generator on the last core (on a 1-core machine they share it). */
export const SERVER_CPU = "0";
export const GENERATOR_CPU = String(Math.max(0, cores - 1));

export function pinned(cpu: string | null, argv: string[]): string[] {
  return HAS_TASKSET && cpu !== null ? ["taskset", "-c", cpu, ...argv] : argv;
}
export const pinning = HAS_TASKSET
  ? `server on core ${SERVER_CPU}, generator on core ${GENERATOR_CPU} (taskset)`
  : "not pinned (no taskset)";

/** CPU seconds (user + system) a process has used, its threads included. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** Resident memory in bytes. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A process and its children (a supervisor's workers), for CPU totals. */
export function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const tid of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean))
      out.push(...processTree(Number(tid)));
  } catch {
    // gone, or no children file
  }
  return out;
}

export const treeCpuSeconds = (pid: number) => processTree(pid).reduce((sum, p) => sum + cpuSeconds(p), 0);

export interface Child {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  pid: number;
  output(): string;
  /** Resolves with the first stdout line matching `re`. */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

const children = new Set<Child>();
process.on("exit", () => {
  for (const c of children) c.proc.kill("SIGKILL");
});

export function spawnChild(argv: string[], env: Record<string, string> = {}): Child {
  const proc = Bun.spawn(argv, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const waiters: (() => void)[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      out += decoder.decode(chunk, { stream: true });
      if (out.length > 4_000_000) out = out.slice(-2_000_000);
      for (const w of waiters.splice(0)) w();
    }
  };
  const done = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  const child: Child = {
    proc,
    pid: proc.pid,
    output: () => out,
    async line(re, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = out
          .split("\n")
          .map((l) => re.exec(l))
          .find(Boolean);
        if (m) return m;
        if (proc.exitCode !== null)
          throw new Error(`${argv.join(" ")} exited with ${proc.exitCode}:\n${out.slice(-3000)}`);
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${re} from ${argv.join(" ")}:\n${out.slice(-3000)}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), Bun.sleep(100)]);
      }
    },
    async stop() {
      children.delete(child);
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(15_000).then(() => false)]);
        if (!exited) proc.kill("SIGKILL");
      }
      await proc.exited;
      await done;
    },
  };
  children.add(child);
  return child;
}

export { freePort } from "../support/free-port.ts";
