/**
 * Decoding what arrives from Redis. It is input like any other: anyone who can
 * publish there could forge it, so each message is parsed against the schema
 * and checked to belong to its channel before it reaches a subscriber. One
 * signed by a process of this deployment (event-signature.ts) is our own JSON
 * of a RoomEvent: parsed without the schema, still checked against its channel.
 */
import { RoomEvent } from "../../shared/schemas.ts";
import { createEventSigner, type EventSigner } from "./event-signature.ts";

const ROOM_GROUP_PREFIX = "room:";

/** The first room `value` names that is not `room` (its own `room`, or that of whatever it carries), else undefined. */
function otherRoomIn(value: object, room: string, depth = 0): unknown {
  // Events are small, and shaped by the schema or by us (signed); the depth bound is only a backstop.
  if (depth > 4) return undefined;
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    if (key === "room") {
      if (inner !== room) return inner;
    } else if (inner !== null && typeof inner === "object") {
      const other = otherRoomIn(inner, room, depth + 1);
      if (other !== undefined) return other;
    }
  }
  return undefined;
}

/**
 * Why an event that passed the schema still cannot be delivered on `group`, or
 * null: an event on a room's channel that names another room is forged or
 * misrouted, and would put one room's traffic in another's stream.
 */
export function misroutedEvent(group: string, event: object): string | null {
  if (!group.startsWith(ROOM_GROUP_PREFIX)) return null;
  const other = otherRoomIn(event, group.slice(ROOM_GROUP_PREFIX.length));
  return other === undefined ? null : `it names room ${JSON.stringify(other)}`;
}

/**
 * A message's group and event (`signed`: by a process of this deployment, to be taken as this process's own), or
 * why it is dropped (`dropped` null: another deployment's channel, dropped silently).
 */
export type DecodedMessage =
  | { group: string; event: RoomEvent; signed: boolean }
  | { dropped: string | null; error?: unknown };

/** What a message on `channel` carries, checked: its signature or the schema, then the room it names. */
export function decodeRedisMessage(
  prefix: string,
  channel: string,
  payload: string,
  signer?: EventSigner,
): DecodedMessage {
  if (!channel.startsWith(prefix)) return { dropped: null };
  const group = channel.slice(prefix.length);
  const signed = signer?.verified(channel, payload) ?? null;
  let event: RoomEvent;
  try {
    event = signed === null ? RoomEvent.parse(JSON.parse(payload)) : (JSON.parse(signed) as RoomEvent);
  } catch (error) {
    return { dropped: `dropped an invalid event on ${channel}`, error };
  }
  const misrouted = misroutedEvent(group, event);
  if (misrouted) return { dropped: `dropped an event on ${channel}: ${misrouted}` };
  return { group, event, signed: signed !== null };
}

/**
 * What one process writes to and reads from Redis: each event as text (signed with `key`
 * when there is one), and each message decoded; `vouches` tells the events that arrived
 * signed with the key, as delivered (the same objects reach every local subscriber).
 */
export function createEventCodec(prefix: string, key: string | undefined) {
  const signer = key ? createEventSigner({ key }) : undefined;
  const vouched = new WeakSet<RoomEvent>();
  return {
    encode(channel: string, event: RoomEvent): string {
      const json = JSON.stringify(event);
      return signer ? signer.sign(channel, json) : json;
    },
    decode(channel: string, payload: string): DecodedMessage {
      const decoded = decodeRedisMessage(prefix, channel, payload, signer);
      if ("event" in decoded && decoded.signed) vouched.add(decoded.event);
      return decoded;
    },
    vouches: (event: RoomEvent) => vouched.has(event),
  };
}

export type EventCodec = ReturnType<typeof createEventCodec>;
