/**
 * The shortcut for caught-up subscribers: one relay per room and process hears
 * each entry synchronously as it is published (GroupLayer.listen) and hands it,
 * once, to the transport's channel (groups/live-channel.ts: the WebSocket
 * adapter's Bun topic publish), which reaches every subscriber riding it. A
 * subscriber rides only while it has been given exactly what the relay has
 * passed on (`last` equal), so the switch
 * neither skips nor repeats a seq; it is handed back, with the relay's `last`, the
 * moment it cannot ride on (its socket fell behind, its stream stopped, a seq
 * arrived out of order) and follows on its own again from there (room-stream.ts).
 * Events from the network (Redis: `local` false) are confirmed against the
 * database first, as every subscriber's own stream does (shared by the process,
 * one range read per room and event-loop turn: entry-confirmer.ts), unless the
 * layer vouches for them (signed by a process of ours), and passed
 * on in the order they arrived; a lag (a Redis
 * reconnect) hands every rider back to catch up from the database.
 */
import { type EntryEvent, type RoomEntry, type RoomEvent, type RoomName, roomGroup } from "../../shared/schemas.ts";
import { type GroupLayer, trustedEvent } from "../groups/group-layer.ts";
import type { LiveChannel, LiveRider, LiveSeat } from "../groups/live-channel.ts";

/** A caught-up subscriber while it rides: a small record, held by its room's relay (no stream runs for it meanwhile). */
export interface Rider extends LiveRider {
  /** Its transport's side; a rider without one cannot ride. */
  readonly seat: LiveSeat | undefined;
  readonly map: (entry: RoomEntry) => unknown;
  /** Its stream's stop: while it rides, an abort hands it back (its own listener, `handleEvent`). */
  readonly signal: AbortSignal;
  handleEvent(): void;
  /** Called once when it is handed back, with the newest seq the channel gave it. */
  handedBack(last: number): void;
}

export interface LiveRelay {
  /** The newest seq passed on to the channel; undefined until the relay has heard one, or been told the room's newest. */
  readonly last: number | undefined;
  /**
   * Told the room's newest seq, read after the relay started listening: nothing
   * after it can pass unheard, so a subscriber given everything up to it may ride
   * before the room's next entry. Ignored once the relay has a `last`.
   */
  seed(newest: number): void;
  /**
   * Rides `rider` from `after` on if that is where the relay is (true), else false.
   * It is handed back (`rider.handedBack`, with the newest seq its seat was given)
   * when it falls behind, a seq arrives out of order, or its signal aborts.
   */
  ride(after: number, rider: Rider): boolean;
  /** Hands `rider` back now, if it rides (idempotent). */
  handBack(rider: Rider): void;
  /** While events from the network are being confirmed: settles once those are passed on. Null when none are. */
  settling(): Promise<void> | null;
}

interface Relay extends LiveRelay {
  users: number;
  close(): void;
}

/**
 * The relays of one room log: made for a room when its first stream with a seat
 * opens, dropped after its last ends. `confirm` is the room log's: the stored
 * entry an event from the network claims to be, or null.
 */
export function createLiveRelays(groups: GroupLayer, confirm: (event: EntryEvent) => Promise<RoomEntry | null>) {
  const relays = new Map<RoomName, Relay>();
  const listen = groups.listen?.bind(groups);

  function open(room: RoomName, channel: LiveChannel): Relay {
    const key = roomGroup(room);
    const riders = new Set<Rider>();
    let last: number | undefined;
    let map: ((entry: RoomEntry) => unknown) | undefined;
    const handBack = (rider: Rider) => {
      if (!riders.delete(rider)) return;
      rider.signal.removeEventListener("abort", rider);
      rider.seat?.leave();
      rider.handedBack(last!);
    };
    /** Hands every rider back (each gets `last`, what it was given). */
    const handBackAll = () => {
      for (const rider of [...riders]) handBack(rider);
    };
    const pass = (entry: RoomEntry) => {
      const seq = entry.seq;
      if (last !== undefined && seq <= last) return;
      // Out of order (several writers): the riders fill the gap from the database on their own.
      if (last !== undefined && seq > last + 1) handBackAll();
      last = seq;
      if (riders.size > 0) channel.publish(key, map!(entry));
    };
    /** Events from the network, each confirmed (reads start at once), passed on in arrival order. */
    let confirmed: Promise<void> = Promise.resolve();
    let confirming = 0;
    let closed = false;
    const onEvent = (event: RoomEvent) => {
      if (event.type !== "entry" || event.room !== room) return;
      if (!trustedEvent(groups, event)) return passConfirmed(confirm(event));
      // Vouched for (signed by a process of ours): as if local, but behind any entry still being confirmed.
      if (confirming === 0) pass(event.entry);
      else passConfirmed(Promise.resolve(event.entry));
    };
    /** `stored` passed on once it and every event before it are settled. */
    const passConfirmed = (stored: Promise<RoomEntry | null>) => {
      confirming++;
      confirmed = confirmed.then(() =>
        stored
          .then(
            (entry) => {
              if (entry && !closed) pass(entry);
            },
            // Not known to be stored: the riders go their own way, which confirms (and reports) by itself.
            () => handBackAll(),
          )
          .finally(() => confirming--),
      );
    };
    const unlisten = listen!(key, onEvent, handBackAll);
    const relay: Relay = {
      users: 0,
      get last() {
        return last;
      },
      seed(newest) {
        last ??= newest;
      },
      ride(after, rider) {
        const { seat, signal } = rider;
        if (!seat || last === undefined || after !== last || signal.aborted || seat.channel !== channel) return false;
        if (riders.size > 0 && rider.map !== map) return false;
        if (!seat.join(key, rider)) return false;
        map = rider.map;
        riders.add(rider);
        signal.addEventListener("abort", rider, { once: true });
        return true;
      },
      handBack,
      settling: () => (confirming > 0 ? confirmed : null),
      close() {
        closed = true;
        handBackAll();
        unlisten();
      },
    };
    return relay;
  }

  /** A relay no stream holds any more stops listening and is forgotten. */
  const unused = (room: RoomName, relay: Relay) => {
    relay.close();
    if (relays.get(room) === relay) relays.delete(room);
  };

  return {
    /** The room's relay for one stream, or null when the layer offers no synchronous listen; `release` the hold when the stream ends. */
    acquire(room: RoomName, channel: LiveChannel): RelayHold | null {
      if (!listen) return null;
      let relay = relays.get(room);
      if (!relay) relays.set(room, (relay = open(room, channel)));
      relay.users++;
      return new Hold(room, relay, unused);
    },
  };
}

/** One stream's hold on its room's relay: the relay lives while any stream holds it. */
export interface RelayHold {
  readonly relay: LiveRelay;
  /** Idempotent. */
  release(): void;
}

/** A RelayHold: an object of three fields rather than a closure (it lives as long as its subscription). */
class Hold implements RelayHold {
  private released = false;
  constructor(
    private readonly room: RoomName,
    readonly relay: Relay,
    private readonly unused: (room: RoomName, relay: Relay) => void,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    if (--this.relay.users === 0) this.unused(this.room, this.relay);
  }
}

export type LiveRelays = ReturnType<typeof createLiveRelays>;
