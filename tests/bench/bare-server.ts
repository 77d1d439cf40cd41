/**
 * The ceiling: a bare Bun.serve WebSocket server. A socket opened with
 * `?room=r` subscribes to topic r (add `&send=1` for a sender that only sends);
 * a `SUBSCRIBE` frame is answered with tRPC's `started` frame (id 1), so a
 * handshake can be timed to its first answer as on Parlor; every other text
 * frame it receives is wrapped in the same envelope Parlor delivers
 * (tRPC's data frame around a message object), serialized once, and handed to
 * `server.publish`. Run as a process: prints its port, stops on SIGTERM.
 */
const seqs = new Map<string, number>();
const STARTED = JSON.stringify({ id: 1, result: { type: "started" } });

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
      if (text === "SUBSCRIBE") return void ws.send(STARTED);
      const room = ws.data.room;
      const seq = (seqs.get(room) ?? 0) + 1;
      seqs.set(room, seq);
      const message = { id: seq, room, seq, sender: "bench", text: String(text), timestamp: new Date().toISOString() };
      server.publish(
        room,
        JSON.stringify({ id: 1, result: { type: "data", id: String(seq), data: { id: String(seq), data: message } } }),
      );
    },
  },
});

console.log(`PORT ${server.port}`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
