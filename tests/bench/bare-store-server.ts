/**
 * The send path's ceiling: a bare Bun.serve WebSocket server that stores each
 * message in SQLite with the schema Parlor uses (the same migrations; WAL,
 * `synchronous = NORMAL`, prepared statements), one transaction per event-loop
 * turn for every send that arrived in it (group commit), and only after the
 * commit publishes each message to its room and acknowledges it. It speaks the
 * few tRPC frames the load generator sends (`room.send` mutations and
 * `room.messages` subscriptions), so the same generator drives it and Parlor.
 * Run as a process: `bun bare-store-server.ts <sqlite path>`; prints its port.
 */
import { Database } from "bun:sqlite";
import type { ServerWebSocket } from "bun";
import { createDb } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";

const path = process.argv[2]!;
const schema = createDb(`sqlite:${path}`);
await migrateToLatest(schema);
await schema.destroy();
const db = new Database(path, { strict: true });
db.run("PRAGMA journal_mode = WAL");
db.run("PRAGMA synchronous = NORMAL");
db.run("INSERT INTO user (username, password_hash, created_at) VALUES ('bench', 'x', '2026-01-01T00:00:00.000Z')");
const senderId = 1;
const nextSeq = db.query<{ last_seq: number; message_count: number }, [string, string, string]>(
  `INSERT INTO room (name, last_seq, message_count, last_message_at) VALUES (?1, 1, 1, ?2)
   ON CONFLICT (name) DO UPDATE SET last_seq = last_seq + 1, message_count = message_count + 1, last_message_at = ?3
   RETURNING last_seq, message_count`,
);
const insert = db.query<{ id: number }, [string, number, number, string, string, number]>(
  `INSERT INTO message (room, seq, sender_id, text, created_at, msg_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id`,
);

interface Data {
  /** room → the subscription ids this socket used for it. */
  subs: Map<string, number>;
}
type Ws = ServerWebSocket<Data>;
/** room → subscription id → topic: frames carry the subscriber's id, so one topic per (room, id). */
const topics = new Map<string, Set<number>>();
let queue: { ws: Ws; id: number; room: string; text: string }[] = [];
let scheduled = false;

const commitTurn = db.transaction((batch: typeof queue, now: string) =>
  batch.map((s) => {
    const { last_seq, message_count } = nextSeq.get(s.room, now, now)!;
    const { id } = insert.get(s.room, last_seq, senderId, s.text, now, message_count)!;
    return { id, room: s.room, seq: last_seq, sender: "bench", text: s.text, timestamp: now };
  }),
);

function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  const stored = commitTurn(batch, new Date().toISOString());
  stored.forEach((message, i) => {
    const payload = JSON.stringify(message);
    for (const id of topics.get(message.room) ?? []) {
      server.publish(`${message.room}#${id}`, `{"id":${id},"result":{"type":"data","data":{"id":"${message.seq}","data":${payload}},"id":"${message.seq}"}}`);
    }
    const s = batch[i]!;
    s.ws.send(`{"id":${s.id},"result":{"type":"data","data":${payload}}}`);
  });
}

const server = Bun.serve<Data>({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    if (srv.upgrade(req, { data: { subs: new Map() } })) return undefined;
    return new Response("bare store", { status: 200 });
  },
  websocket: {
    maxPayloadLength: 64 * 1024,
    perMessageDeflate: false,
    idleTimeout: 60,
    message(ws, frame) {
      const msg = JSON.parse(String(frame)) as { id?: number; method?: string; params?: { path: string; input: { room: string; text?: string } } };
      if (msg.method === "subscription" && msg.params?.path === "room.messages") {
        const room = msg.params.input.room;
        let ids = topics.get(room);
        if (!ids) topics.set(room, (ids = new Set()));
        ids.add(msg.id!);
        ws.subscribe(`${room}#${msg.id}`);
        ws.send(`{"id":${msg.id},"result":{"type":"started"}}`);
      } else if (msg.method === "mutation" && msg.params?.path === "room.send") {
        queue.push({ ws, id: msg.id!, room: msg.params.input.room, text: msg.params.input.text ?? "" });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }
    },
  },
});

console.log(`PORT ${server.port}`);
process.on("SIGTERM", () => {
  server.stop(true);
  db.close();
  process.exit(0);
});
