/**
 * Password hashing bounded per machine, not per worker. Argon2id is the one
 * CPU-heavy thing a client can make us do; HASH_CONCURRENCY says how many
 * hashes this machine runs at once so that the event loops keep a core. With
 * WORKERS=n, n workers each holding that many slots would run n times as many:
 * instead the supervisor holds the slots and lends them to its workers over the
 * IPC channel Bun gives a spawned child. A hash takes tens of milliseconds; the
 * round trip to the supervisor takes well under one.
 *
 * Dividing the budget (each worker HASH_CONCURRENCY / n) would not do: the
 * default budget is cores − 1 and the default WORKERS is cores, so each worker
 * would still need one slot and together they would hash on every core.
 *
 * A worker that dies holding slots gives them back when the supervisor sees it exit.
 */
import type { Semaphore } from "../limits/semaphore.ts";

/** Messages between a worker and its supervisor, tagged so that other IPC traffic passes by. */
export type HashSlotMessage = { channel: "hash-slot"; op: "acquire" | "release" | "granted"; id: number };

const isSlotMessage = (message: unknown): message is HashSlotMessage =>
  typeof message === "object" && message !== null && (message as { channel?: unknown }).channel === "hash-slot";

export interface HashSlotBroker {
  /** A message from worker `worker`; `reply` sends to that worker. Returns false if it was not a slot message. */
  handle(worker: number, message: unknown, reply: (message: HashSlotMessage) => void): boolean;
  /** Worker `worker` is gone: its slots are free again and its waiting requests dropped. */
  workerExited(worker: number): void;
  /** Slots lent now (for tests). */
  active(): number;
}

export function createHashSlotBroker(limit: number): HashSlotBroker {
  interface Request {
    worker: number;
    id: number;
    reply: (message: HashSlotMessage) => void;
  }
  const lent = new Map<number, number>();
  const queue: Request[] = [];
  let active = 0;

  const grant = (request: Request) => {
    active++;
    lent.set(request.worker, (lent.get(request.worker) ?? 0) + 1);
    request.reply({ channel: "hash-slot", op: "granted", id: request.id });
  };

  const release = (worker: number) => {
    const held = lent.get(worker) ?? 0;
    if (held === 0) return;
    lent.set(worker, held - 1);
    active--;
    const next = queue.shift();
    if (next) grant(next);
  };

  return {
    handle(worker, message, reply) {
      if (!isSlotMessage(message)) return false;
      if (message.op === "acquire") {
        const request = { worker, id: message.id, reply };
        if (active < limit) grant(request);
        else queue.push(request);
      } else if (message.op === "release") release(worker);
      return true;
    },
    workerExited(worker) {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.worker === worker) queue.splice(i, 1);
      const held = lent.get(worker) ?? 0;
      lent.delete(worker);
      active -= held;
      while (queue.length > 0 && active < limit) grant(queue.shift()!);
    },
    active: () => active,
  };
}

/** The worker's side: a Semaphore whose slots are the supervisor's. */
export interface IpcChannel {
  send(message: HashSlotMessage): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
}

export function createIpcSemaphore(channel: IpcChannel): Semaphore {
  let nextId = 0;
  let running = 0;
  const waiting = new Map<number, () => void>();
  channel.on("message", (message) => {
    if (!isSlotMessage(message) || message.op !== "granted") return;
    const resolve = waiting.get(message.id);
    waiting.delete(message.id);
    resolve?.();
  });
  const acquire = async () => {
    const id = ++nextId;
    await new Promise<void>((resolve) => {
      waiting.set(id, resolve);
      channel.send({ channel: "hash-slot", op: "acquire", id });
    });
    running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running--;
      channel.send({ channel: "hash-slot", op: "release", id });
    };
  };
  return {
    async run(task) {
      const release = await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    acquire,
    active: () => running,
    waiting: () => waiting.size,
  };
}
