/**
 * A TCP proxy on a free loopback port in front of a real service (PostgreSQL),
 * that a test can cut: every open connection is dropped and every new one is
 * closed at once, as a database restart, a failover or a network cut looks to
 * the process behind it, until the test restores it.
 */
import type { Socket } from "bun";

export interface TcpProxy {
  port: number;
  /** Drops every connection and refuses new ones (accepts, then closes them). */
  cut(): void;
  restore(): void;
  /** Connections refused while cut: each one an attempt of the process behind to reach the service. */
  refused: number;
  stop(): void;
}

interface Pipe {
  peer: Socket<Pipe> | null;
  /** Bytes for this socket that it could not take yet. */
  pending: Uint8Array[];
  /** Bytes from this socket that arrived before its peer was connected. */
  early: Uint8Array[];
}

function send(to: Socket<Pipe>, data: Uint8Array) {
  if (to.data.pending.length > 0) {
    to.data.pending.push(data);
    return;
  }
  const written = to.write(data);
  if (written < data.byteLength) to.data.pending.push(data.subarray(written));
}

function flush(socket: Socket<Pipe>) {
  while (socket.data.pending.length > 0) {
    const chunk = socket.data.pending[0]!;
    const written = socket.write(chunk);
    if (written < chunk.byteLength) {
      socket.data.pending[0] = chunk.subarray(written);
      return;
    }
    socket.data.pending.shift();
  }
}

export function startTcpProxy(target: { host: string; port: number }): TcpProxy {
  let isCut = false;
  const open = new Set<Socket<Pipe>>();
  const proxy: TcpProxy = {
    port: 0,
    refused: 0,
    cut() {
      isCut = true;
      for (const socket of open) socket.end();
      open.clear();
    },
    restore() {
      isCut = false;
    },
    stop() {
      proxy.cut();
      server.stop(true);
    },
  };
  const close = (socket: Socket<Pipe>) => {
    open.delete(socket);
    socket.data.peer?.end();
  };
  const server = Bun.listen<Pipe>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        client.data = { peer: null, pending: [], early: [] };
        if (isCut) {
          proxy.refused++;
          client.end();
          return;
        }
        open.add(client);
        void Bun.connect<Pipe>({
          hostname: target.host,
          port: target.port,
          data: { peer: client, pending: [], early: [] },
          socket: {
            open(upstream) {
              open.add(upstream);
              client.data.peer = upstream;
              // What the client sent before the upstream connection was up goes first.
              const early = client.data.early.splice(0);
              for (const chunk of early) send(upstream, chunk);
            },
            data: (_upstream, data) => send(client, data),
            drain: flush,
            close,
            error: close,
          },
        }).catch(() => client.end());
      },
      data(client, data) {
        if (client.data.peer) send(client.data.peer, data);
        else client.data.early.push(new Uint8Array(data));
      },
      drain: flush,
      close,
      error: close,
    },
  });
  proxy.port = server.port;
  return proxy;
}
