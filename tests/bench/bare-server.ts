/**
 * The ceiling: a bare Bun.serve WebSocket server. A socket opened with
 * `?room=r` subscribes to topic r (add `&send=1` for a sender that only sends);
 * each text frame it receives is wrapped in the same envelope Parlor delivers
 * (tRPC's data frame around a message object), serialized once, and handed to
 * `server.publish`. Run as a process: prints its port, stops on SIGTERM.
 */
const seqs = new Map<string, number>();

interface Data {
  room: string;
}

const server = Bun.serve<Data>({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    const url = new URL(req.url);
    const room = url.searchParams.get("room") ?? "lobby";
    if (srv.upgrade(req, { data: { room, sender: url.searchParams.get("send") === "1" } as Data })) return undefined;
    return new Response("bare", { status: 200 });
  },
  websocket: {
    maxPayloadLength: 64 * 1024,
    perMessageDeflate: false,
    idleTimeout: 60,
    open(ws) {
      if (!(ws.data as Data & { sender: boolean }).sender) ws.subscribe(ws.data.room);
    },
    message(ws, text) {
      const room = ws.data.room;
      const seq = (seqs.get(room) ?? 0) + 1;
      seqs.set(room, seq);
      const message = { id: seq, room, seq, sender: "bench", text: String(text), timestamp: new Date().toISOString() };
      server.publish(room, JSON.stringify({ id: 1, result: { type: "data", id: String(seq), data: { id: String(seq), data: message } } }));
    },
  },
});

console.log(`PORT ${server.port}`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
