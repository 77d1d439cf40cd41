/**
 * `bun tests/bench/presence-storm.ts [clients]`: what a reconnect storm costs in
 * presence events. N clients (default 1,000) sit in one room watching
 * room.presence; the server drops every connection (as on a restart) and they
 * all come back (with the client's jittered backoff). Counts the presence
 * snapshots delivered while the room settles, next to what per-person join/leave
 * events would have cost. Bounded: stops when the room has settled, or after 30 s.
 */
import { createParlorClient, createParlorSocket, type ParlorSocket } from "@parlor/client";
import { startTestServer } from "../support/server.ts";

const N = Number(process.argv[2] ?? 1000);
const ROOM = "storm";

await using server = await startTestServer({ MAX_CONNECTIONS_PER_IP: String(N + 10), MAX_CONNECTIONS: String(N + 10) });
const sockets: ParlorSocket[] = [];
const frames = new Array<number>(N).fill(0);
const lastGuests = new Array<number>(N).fill(0);

for (let i = 0; i < N; i++) {
  const socket = createParlorSocket({ url: server.url, keepOpen: true });
  sockets.push(socket);
  createParlorClient({ url: server.url, socket }).room.presence.subscribe(
    { room: ROOM },
    {
      onData: (p) => {
        frames[i]!++;
        lastGuests[i] = p.guests;
      },
    },
  );
}

const settled = () => lastGuests.every((g) => g === N);
async function waitSettled(what: string) {
  const deadline = Date.now() + 30_000;
  while (!settled()) {
    if (Date.now() > deadline) throw new Error(`${what}: not settled after 30 s`);
    await Bun.sleep(20);
  }
}

await waitSettled("arrival");
frames.fill(0);
// From here, a client has settled only once a snapshot after the drop shows everyone back.
lastGuests.fill(0);

const t0 = performance.now();
server.app.dropConnections();
await waitSettled("reconnect storm");
const settleMs = performance.now() - t0;
await Bun.sleep(1000); // anything still in flight
const total = frames.reduce((a, b) => a + b, 0);
const perClientMax = Math.max(...frames);
const naive = 2 * N * N; // a leave and a join per client, each sent to every client

console.log(`| presence, reconnect storm of ${N.toLocaleString("en")} clients in one room | value |
|---|---:|
| time until every client sees all ${N.toLocaleString("en")} again | ${(settleMs / 1000).toFixed(2)} s |
| presence snapshots delivered in total | ${total.toLocaleString("en")} |
| … per client (mean / max) | ${(total / N).toFixed(1)} / ${perClientMax} |
| … per second over the storm | ${Math.round(total / (settleMs / 1000)).toLocaleString("en")} |
| per-person join/leave events would be | ${naive.toLocaleString("en")} (${Math.round(naive / total)}× more) |`);

await Promise.all(sockets.map((s) => s.close()));
