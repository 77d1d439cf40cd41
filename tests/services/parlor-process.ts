/**
 * Parlor as a separate process (`bun server/main.ts`), on a free loopback port,
 * with the environment a test gives it; and clients for it. Every test that
 * starts one stops it.
 */
import type { Subprocess } from "bun";
import { createParlorClient, createParlorSocket, type ParlorClient, type ParlorSocket } from "../../client/parlor-client.ts";
import { uniqueName } from "../support/server.ts";

const MAIN = new URL("../../server/main.ts", import.meta.url).pathname;

/** What every spawned Parlor gets: loopback, a free port, and limits a test's bursts stay under. */
const BASE_ENV = {
  HOST: "127.0.0.1",
  PORT: "0",
  NODE_ENV: "test",
  SEND_BURST: "10000",
  SEND_PER_SECOND: "10000",
  // Every test signs its users up from one address.
  REGISTER_BURST_PER_IP: "10000",
  REGISTER_PER_HOUR_PER_IP: "10000",
};

export interface ParlorProcess {
  /** The URL clients use (the supervisor's port, with WORKERS > 1). */
  url: string;
  /** Every line it has printed so far (stdout), its workers' too. */
  lines: string[];
  /** Waits (bounded) for a printed line matching `pattern` that no earlier wait consumed. */
  waitForLine(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** A user signed up through this process, with an HTTP client and a socket of its own. */
  signUp(): Promise<ProcessClient & { username: string; token: string }>;
  guest(options?: { onClose?: () => void }): ProcessClient;
  /** A client of this process with a session made anywhere (sessions live in the shared database). */
  signedInAs(token: string, options?: { onClose?: (cause?: { code?: number }) => void }): ProcessClient;
  /** Its exit code, or null while it runs. */
  readonly exitCode: number | null;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s); closes the clients made here. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. Waits for the exit; the clients made here are left to notice by themselves. */
  kill(): Promise<void>;
}

export interface ProcessClient {
  client: ParlorClient;
  socket: ParlorSocket;
}

export async function startParlorProcess(env: Record<string, string>): Promise<ParlorProcess> {
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([process.execPath, MAIN], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...BASE_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const errors: string[] = [];
  const consumed = new Set<number>();
  void collect(proc.stdout, lines);
  void collect(proc.stderr, errors);

  async function waitForLine(pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let i = 0; i < lines.length; i++) {
        const match = !consumed.has(i) && lines[i]!.match(pattern);
        if (match) {
          consumed.add(i);
          return match;
        }
      }
      if (proc.exitCode !== null || Date.now() > deadline) {
        const why = proc.exitCode !== null ? `it exited with ${proc.exitCode}` : `${ms} ms passed`;
        throw new Error(`no line matching ${pattern} (${why}).\nstdout:\n${lines.join("\n")}\nstderr:\n${errors.join("\n")}`);
      }
      await Bun.sleep(20);
    }
  }

  const [, url] = await waitForLine(/(?:listening on|workers on) (http:\/\/\S+)/);
  const sockets: ParlorSocket[] = [];
  const connect = (token?: string, onClose?: () => void): ProcessClient => {
    const socket = createParlorSocket({ url: url!, token, onClose });
    sockets.push(socket);
    return { socket, client: createParlorClient({ url: url!, token, socket }) };
  };

  return {
    url: url!,
    lines,
    get exitCode() {
      return proc.exitCode;
    },
    waitForLine,
    guest: (options) => connect(undefined, options?.onClose),
    signedInAs: (token, options) => connect(token, options?.onClose),
    async signUp() {
      const username = uniqueName("u");
      const { token } = await connect().client.auth.register.mutate({ username, password: "correct horse battery" });
      return { ...connect(token), username, token };
    },
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
    async stop() {
      await Promise.all(sockets.map((s) => s.close()));
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await proc.exited;
      clearTimeout(killer);
    },
  };
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[]) {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    const parts = rest.split("\n");
    rest = parts.pop()!;
    into.push(...parts);
  }
  if (rest) into.push(rest);
}

/** Retries a call that may hit a process being killed (bounded: `attempts` tries, 100 ms apart). */
export async function withRetry<T>(call: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= attempts) throw error;
      await Bun.sleep(100);
    }
  }
}

/** Every message of `room`, oldest first, from `client`'s history pages. */
export async function fullHistory(client: ParlorClient, room: string): Promise<{ seq: number; text: string }[]> {
  const all: { seq: number; text: string }[] = [];
  let before: number | undefined;
  for (let page = 0; page < 100; page++) {
    const { messages, nextCursor } = await client.room.history.query({ room, before, limit: 100 });
    all.push(...messages.map((m) => ({ seq: m.seq, text: m.text })));
    if (nextCursor === null) break;
    before = nextCursor;
  }
  return all.reverse();
}
