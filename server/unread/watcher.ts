/**
 * The state of one `me.rooms` watcher between two updates: the summary of
 * each room it follows, and what changed since it last yielded — rooms to
 * recount from the database, rooms whose summary changed in memory, whether
 * the list of rooms itself must be read again. Deliveries from the group
 * layer only mark that state (and wake the watcher); the watcher's loop
 * (unread.ts `watch`) turns it into events, so a burst costs one update per
 * room and every recount is one statement for all the rooms it concerns.
 */
import { mentions } from "../../shared/room-log.ts";
import {
  type EntryEvent,
  type MeRoomsEvent,
  type RoomEntry,
  type RoomName,
  type RoomUnread,
  roomGroup,
  userGroup,
} from "../../shared/schemas.ts";
import { type Delivery, type GroupLayer, trustedEvent } from "../groups/group-layer.ts";

export interface WatcherOptions {
  groups: GroupLayer;
  user: { id: number; username: string };
  /** Ends the watcher and every subscription it holds. */
  signal: AbortSignal;
  /** The summaries of those of `rooms` that exist, in one statement. */
  summariesOf: (userId: number, rooms: readonly RoomName[]) => Promise<Map<RoomName, RoomUnread>>;
  /** An entry heard from another process, as the database holds it (null: it does not). */
  confirm: (event: EntryEvent) => Promise<RoomEntry | null>;
}

interface Watched {
  summary: RoomUnread;
  /** Ends this room's group subscription. */
  stop: AbortController;
}

export class UnreadWatcher {
  readonly watched = new Map<RoomName, Watched>();
  /** Rooms to recount, and rooms whose summary changed in memory; both emptied by each update. */
  private readonly recount = new Set<RoomName>();
  private readonly changed = new Set<RoomName>();
  private reloadRooms = false;
  /** Rooms the user was just invited to, and by whom: told once, with the room's next update. */
  private readonly invitedBy = new Map<RoomName, string>();
  private wake: (() => void) | null = null;
  /** Ends the user group's subscription. */
  private readonly own = new AbortController();

  constructor(private readonly opts: WatcherOptions) {
    opts.signal.addEventListener("abort", this.poke, { once: true });
    opts.signal.addEventListener("abort", () => this.own.abort(), { once: true });
  }

  private readonly poke = () => {
    this.wake?.();
    this.wake = null;
  };

  /** Nothing to tell until a delivery (or the end) wakes the watcher. */
  get idle(): boolean {
    return !this.reloadRooms && this.recount.size === 0 && this.changed.size === 0;
  }

  /** Resolves at the next delivery, or when the signal aborts. */
  nextChange(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** The summaries of the rooms followed, for a snapshot. */
  summaries(): RoomUnread[] {
    return [...this.watched.values()].map((w) => w.summary);
  }

  /** Pumps one group's deliveries into the coalesced state until it ends. */
  private pump(stream: AsyncIterable<Delivery>, onDelivery: (d: Delivery) => void): void {
    (async () => {
      for await (const delivery of stream) {
        onDelivery(delivery);
        this.poke();
      }
    })().catch((error) => console.error("[parlor] me.rooms stream failed", error));
  }

  /** Subscribes to the user's own group: markers moved elsewhere recount a room, "your rooms changed" reloads the list. */
  async followUser(): Promise<void> {
    const { groups, user } = this.opts;
    const userStream = await groups.subscribe(userGroup(user.id), { signal: this.own.signal });
    this.pump(userStream, (d) => {
      if (d.type === "lagged") {
        this.reloadRooms = true;
        for (const room of this.watched.keys()) this.recount.add(room);
      } else if (d.type === "user" && d.userId === user.id) {
        if (d.change === "rooms") {
          this.reloadRooms = true;
          if (d.room && d.invitedBy) this.invitedBy.set(d.room, d.invitedBy);
        } else if (d.room && this.watched.has(d.room)) this.recount.add(d.room);
      }
    });
  }

  /**
   * A room's delivery: the next message moves its counts by one, without a query; anything else recounts it.
   * An entry from another process that is not vouched for is counted as the database holds it, once confirmed
   * (the room streams' batched reads): a forged one on Redis moves no count.
   */
  private onRoomDelivery(room: RoomName, d: Delivery): void {
    if (!this.watched.has(room)) return;
    if (d.type === "lagged") return void this.recount.add(room);
    if (d.type !== "entry" || d.room !== room) return;
    if (trustedEvent(this.opts.groups, d)) {
      this.count(room, d.entry);
      return;
    }
    this.opts.confirm(d).then(
      (entry) => {
        if (entry) this.count(room, entry);
        this.poke();
      },
      () => {
        this.recount.add(room);
        this.poke();
      },
    );
  }

  private count(room: RoomName, entry: RoomEntry): void {
    const w = this.watched.get(room);
    if (!w) return;
    const s = w.summary;
    if (entry.seq <= s.lastSeq) return;
    // The common case, the next entry being a message, is counted here; anything else is recounted,
    // and so is a reply by someone else: whether it answers one of ours is in the database.
    const { username } = this.opts.user;
    if (
      entry.seq === s.lastSeq + 1 &&
      entry.kind === "message" &&
      (entry.message.replyTo === null || entry.message.sender === username)
    ) {
      const m = entry.message;
      const byOther = m.sender !== username;
      w.summary = {
        ...s,
        lastSeq: entry.seq,
        lastMessageAt: m.timestamp,
        unread: s.unread + (byOther ? 1 : 0),
        // Every message of the other person in a DM mentions you, as the mention rows say.
        mentions: s.mentions + (byOther && (s.direct || mentions(m.text, username)) ? 1 : 0),
      };
      this.changed.add(room);
    } else {
      this.recount.add(room);
    }
  }

  /** Subscribes to each room's group first, then reads all their counts at once; rooms that do not exist are let go. */
  async follow(rooms: readonly RoomName[]): Promise<void> {
    const { groups, signal, user, summariesOf } = this.opts;
    const streams = await Promise.all(
      rooms.map(async (room) => {
        const stop = new AbortController();
        signal.addEventListener("abort", () => stop.abort(), { once: true, signal: stop.signal });
        return { room, stop, stream: await groups.subscribe(roomGroup(room), { signal: stop.signal }) };
      }),
    );
    const summaries = await summariesOf(user.id, rooms);
    for (const { room, stop, stream } of streams) {
      const summary = summaries.get(room);
      if (!summary) {
        stop.abort();
        continue;
      }
      this.watched.set(room, { summary, stop });
      this.pump(stream, (d) => this.onRoomDelivery(room, d));
    }
  }

  private unfollow(room: RoomName): void {
    this.watched.get(room)?.stop.abort();
    this.watched.delete(room);
    this.recount.delete(room);
    this.changed.delete(room);
    this.invitedBy.delete(room);
  }

  /** When the list of rooms must be read again: lets go of the rooms not in `now` (one `removed` each) and follows the new ones. */
  async *reload(mine: () => Promise<readonly RoomName[]>): AsyncGenerator<MeRoomsEvent> {
    if (!this.reloadRooms) return;
    this.reloadRooms = false;
    const now = new Set(await mine());
    for (const room of [...this.watched.keys()]) {
      if (!now.has(room)) {
        this.unfollow(room);
        yield { type: "removed", room };
      }
    }
    const joined = [...now].filter((room) => !this.watched.has(room));
    await this.follow(joined);
    for (const room of joined) if (this.watched.has(room)) this.changed.add(room);
  }

  /** Recounts every room due, in one statement; a room let go meanwhile is left alone. */
  async recountDue(): Promise<void> {
    if (this.recount.size === 0) return;
    const due = new Map([...this.recount].map((room) => [room, this.watched.get(room)]));
    this.recount.clear();
    const fresh = await this.opts.summariesOf(this.opts.user.id, [...due.keys()]);
    for (const [room, w] of due) {
      const summary = fresh.get(room);
      if (w && summary && this.watched.get(room) === w) {
        w.summary = summary;
        this.changed.add(room);
      }
    }
  }

  /** One `update` per room whose summary changed since the last. */
  *updates(): Generator<MeRoomsEvent> {
    for (const room of [...this.changed]) {
      this.changed.delete(room);
      const w = this.watched.get(room);
      if (!w) continue;
      const invitedBy = this.invitedBy.get(room);
      this.invitedBy.delete(room);
      yield invitedBy ? { type: "update", room: w.summary, invitedBy } : { type: "update", room: w.summary };
    }
  }

  /** Ends every subscription. */
  close(): void {
    this.own.abort();
    for (const w of this.watched.values()) w.stop.abort();
  }
}
