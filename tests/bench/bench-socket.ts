/**
 * The load generator's WebSocket client: tRPC's WebSocket protocol spoken
 * directly over Bun's WebSocket, so that 10,000 connections fit in one process
 * and each delivery costs the generator as little as it costs on the bare server
 * (both are parsed the same way). The real `@trpc/client` is what the test suite
 * uses; here the client must not be the bottleneck being measured.
 */

/** Data frames are routed without JSON.parse: the bench counter is read from the text (`#<k>#…`). */
export type DeliveryHandler = (k: number, frame: string) => void;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class BenchSocket {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subs = new Map<number, { onData: DeliveryHandler; started: Pending }>();
  closed = false;
  closeCode = 0;

  private constructor(readonly ws: WebSocket) {}

  /** Opens a socket; with a token it authenticates through `connectionParams`, as the real client does. */
  static open(url: string, token?: string, timeoutMs = 30_000): Promise<BenchSocket> {
    const ws = new WebSocket(token ? `${url}${url.includes("?") ? "&" : "?"}connectionParams=1` : url);
    const socket = new BenchSocket(ws);
    ws.onmessage = (e) => socket.onFrame(e.data as string);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connect to ${url} timed out`)), timeoutMs);
      ws.onopen = () => {
        clearTimeout(timer);
        if (token) ws.send(JSON.stringify({ method: "connectionParams", data: { token } }));
        resolve(socket);
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`connect to ${url} failed`));
      };
      ws.onclose = (e) => {
        socket.closed = true;
        socket.closeCode = e.code;
        for (const p of socket.pending.values()) p.reject(new Error(`socket closed (${e.code})`));
        socket.pending.clear();
        for (const s of socket.subs.values()) s.started.reject(new Error(`socket closed (${e.code})`));
      };
    });
  }

  /** Subscribes; resolves on tRPC's `started`. */
  subscribe(path: string, input: unknown, onData: DeliveryHandler): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.subs.set(id, { onData, started: { resolve: () => resolve(), reject } });
      this.ws.send(JSON.stringify({ id, method: "subscription", params: { path, input } }));
    });
  }

  /** Resolves on a `started` frame with this id, without sending anything (the bare server answers `SUBSCRIBE` so). */
  started(id: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.subs.set(id, { onData: () => {}, started: { resolve: () => resolve(), reject } });
    });
  }

  /** Routes data frames with this id to `onData` without subscribing (the bare server's frames). */
  listen(id: number, onData: DeliveryHandler): void {
    this.subs.set(id, { onData, started: { resolve() {}, reject() {} } });
  }

  /** A query or mutation over the socket; resolves with its result's data. */
  call(method: "query" | "mutation", path: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params: { path, input } }));
    });
  }

  /** A raw text frame (the bare server's protocol is just the text). */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  close(): void {
    if (!this.closed) this.ws.close();
  }

  private onFrame(frame: string): void {
    // `{"id":<n>,"result":{"type":"data","id":"<seq>",...` — a subscription's data frame.
    if (frame.startsWith('{"id":')) {
      let i = 6;
      let id = 0;
      for (let c = frame.charCodeAt(i); c >= 48 && c <= 57; c = frame.charCodeAt(++i)) id = id * 10 + c - 48;
      const sub = this.subs.get(id);
      if (sub && frame.startsWith(',"result":{"type":"data"', i)) {
        sub.onData(benchCounter(frame), frame);
        return;
      }
    }
    if (frame === "PING") return void this.ws.send("PONG");
    const msg = JSON.parse(frame) as {
      id: number | null;
      result?: { type?: string; data?: unknown };
      error?: { message: string };
    };
    if (msg.id === null) return;
    const sub = this.subs.get(msg.id);
    if (sub) {
      if (msg.result?.type === "started") sub.started.resolve(undefined);
      else if (msg.error) sub.started.reject(new Error(msg.error.message));
      return;
    }
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if (msg.error) pending.reject(new Error(msg.error.message));
    else pending.resolve(msg.result?.data);
  }
}

/** The `k` of a text `#<k>#…` inside a frame; -1 if there is none. */
export function benchCounter(frame: string): number {
  const at = frame.indexOf('"text":"#');
  if (at < 0) return -1;
  let k = 0;
  let i = at + 9;
  for (let c = frame.charCodeAt(i); c >= 48 && c <= 57; c = frame.charCodeAt(++i)) k = k * 10 + c - 48;
  return k;
}

/** A message text of exactly `bytes` ASCII characters carrying the counter `k`. */
export function benchText(k: number, bytes: number): string {
  const head = `#${k}#`;
  return head + "x".repeat(Math.max(0, bytes - head.length));
}

/** Opens `count` sockets, `concurrency` at a time. */
export async function openMany(
  count: number,
  open: (i: number) => Promise<BenchSocket>,
  concurrency = 200,
): Promise<BenchSocket[]> {
  const sockets: BenchSocket[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        sockets[i] = await open(i);
      }
    }),
  );
  return sockets;
}
