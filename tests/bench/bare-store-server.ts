/**
 * The send path's ceiling: a bare Bun.serve WebSocket server that stores each
 * message in SQLite with the schema Parlor uses (the same migrations; WAL,
 * `synchronous = NORMAL`, prepared statements; searchable, by a trigger), one transaction per event-loop
 * turn for every send that arrived in it (group commit), and only after the
 * commit publishes each message to its room and acknowledges it. It speaks the
 * few tRPC frames the load generator sends (`room.send` mutations,
 * `room.messages` subscriptions and `room.history` queries: the same page
 * query, answered with the same JSON), so the same generator drives it and Parlor.
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
// The same work as Parlor: every message searchable. Parlor's indexer does it in batches off the ack path; the
// bare server the plain way, a trigger in each insert (what Parlor's schema did before its indexer). Without it,
// the ceiling would store less than Parlor does.
db.run(`CREATE TRIGGER IF NOT EXISTS bare_fts_insert AFTER INSERT ON message WHEN new.deleted = 0 BEGIN
  INSERT INTO message_fts(rowid, text) VALUES (new.id, new.text); END`);
db.run(
  "INSERT OR IGNORE INTO user (username, password_hash, created_at) VALUES ('bench', 'x', '2026-01-01T00:00:00.000Z')",
);
const senderId = db.query<{ id: number }, []>("SELECT id FROM user WHERE username = 'bench'").get()!.id;
const nextSeq = db.query<{ last_seq: number; message_count: number }, [string, string, string]>(
  `INSERT INTO room (name, last_seq, message_count, last_message_at) VALUES (?1, 1, 1, ?2)
   ON CONFLICT (name) DO UPDATE SET last_seq = last_seq + 1, message_count = message_count + 1, last_message_at = ?3
   RETURNING last_seq, message_count`,
);
const insert = db.query<{ id: number }, [string, number, number, string, string, number]>(
  `INSERT INTO message (room, seq, sender_id, text, created_at, msg_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id`,
);

type Row = {
  id: number;
  room: string;
  seq: number;
  sender: string;
  text: string;
  created_at: string;
  edited_at: string | null;
  deleted: number;
  reply_to: number | null;
  reactions: string;
};
const columns =
  "m.id, m.room, m.seq, u.username AS sender, m.text, m.created_at, m.edited_at, m.deleted, m.reply_to, m.reactions FROM message m JOIN user u ON u.id = m.sender_id";
const newestPage = db.query<Row, [string, number]>(`SELECT ${columns} WHERE m.room = ?1 ORDER BY m.seq DESC LIMIT ?2`);
const pageBefore = db.query<Row, [string, number, number]>(
  `SELECT ${columns} WHERE m.room = ?1 AND m.seq < ?2 ORDER BY m.seq DESC LIMIT ?3`,
);

function historyPage(input: { room: string; before?: number; limit?: number }) {
  const limit = input.limit ?? 50;
  const rows =
    input.before === undefined
      ? newestPage.all(input.room, limit + 1)
      : pageBefore.all(input.room, input.before, limit + 1);
  const messages = rows.slice(0, limit).map((r) => ({
    id: r.id,
    room: r.room,
    seq: r.seq,
    sender: r.sender,
    text: r.text,
    timestamp: r.created_at,
    editedAt: r.edited_at,
    deleted: r.deleted === 1,
    replyTo: r.reply_to,
    reactions: JSON.parse(r.reactions),
  }));
  return { messages, nextCursor: rows.length > limit ? messages[messages.length - 1]!.seq : null };
}

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
      server.publish(
        `${message.room}#${id}`,
        `{"id":${id},"result":{"type":"data","data":{"id":"${message.seq}","data":${payload}},"id":"${message.seq}"}}`,
      );
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
      const msg = JSON.parse(String(frame)) as {
        id?: number;
        method?: string;
        params?: { path: string; input: { room: string; text?: string; before?: number; limit?: number } };
      };
      if (msg.method === "query" && msg.params?.path === "room.history") {
        ws.send(JSON.stringify({ id: msg.id, result: { type: "data", data: historyPage(msg.params.input) } }));
        return;
      }
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
