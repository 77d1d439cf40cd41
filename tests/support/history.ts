/** A room's whole history as a client pages through it. */
import type { ParlorClient } from "@parlor/client";

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
