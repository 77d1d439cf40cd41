import { describe, expect, test } from "bun:test";
import { createEventSigner } from "../../server/groups/event-signature.ts";
import { decodeRedisMessage } from "../../server/groups/redis-events.ts";
import { RoomEvent } from "../../shared/schemas.ts";
import { messageEvent } from "../support/entries.ts";

const KEY = "k".repeat(32);
const CHANNEL = "parlor:room:lobby";
const json = JSON.stringify(messageEvent(3, "lobby"));
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

describe("event signatures", () => {
  test("a signed event verifies on its channel and gives back exactly the JSON that was signed", () => {
    const signer = createEventSigner({ key: KEY });
    const payload = signer.sign(CHANNEL, json);
    expect(payload).not.toBe(json);
    expect(signer.verified(CHANNEL, payload)).toBe(json);
  });

  test("a process without the key (an older version during a rolling restart) reads a signed event as the event itself", () => {
    const payload = createEventSigner({ key: KEY }).sign(CHANNEL, json);
    expect(RoomEvent.parse(JSON.parse(payload))).toEqual(messageEvent(3, "lobby"));
  });

  test("unsigned, signed with another key, on another channel, tampered with, or with the signature's spelling changed: it does not verify", () => {
    const signer = createEventSigner({ key: KEY });
    const payload = signer.sign(CHANNEL, json);
    expect(signer.verified(CHANNEL, json)).toBeNull();
    expect(signer.verified(CHANNEL, createEventSigner({ key: "o".repeat(32) }).sign(CHANNEL, json))).toBeNull();
    expect(signer.verified("parlor:room:other", payload)).toBeNull();
    expect(signer.verified(CHANNEL, payload.replace('"seq":3', '"seq":4'))).toBeNull();
    // The time it was signed is covered too.
    expect(
      signer.verified(
        CHANNEL,
        payload.replace(/"sig":"(\d)/, (_, d) => `"sig":"${(Number(d) + 1) % 10}`),
      ),
    ).toBeNull();
    // The MAC's last character carries two spare bits: another character decoding to the same bytes is refused as well.
    const mac = payload.slice(-45, -2);
    const twin = mac.slice(0, -1) + BASE64URL[BASE64URL.indexOf(mac.at(-1)!) ^ 1];
    expect(Buffer.from(twin, "base64url")).toEqual(Buffer.from(mac, "base64url"));
    expect(signer.verified(CHANNEL, `${payload.slice(0, -45)}${twin}"}`)).toBeNull();
    expect(signer.verified(CHANNEL, `${payload.slice(0, -2)}x"}`)).toBeNull();
  });

  test("a signature older than the bound (a replay later on), or from too far ahead, does not verify", () => {
    let now = 1_000_000;
    const signer = createEventSigner({ key: KEY, maxAgeMs: 30_000, now: () => now });
    const payload = signer.sign(CHANNEL, json);
    now += 30_000;
    expect(signer.verified(CHANNEL, payload)).toBe(json);
    now += 1;
    expect(signer.verified(CHANNEL, payload)).toBeNull();
    now = 1_000_000 - 30_001;
    expect(signer.verified(CHANNEL, payload)).toBeNull();
  });
});

describe("decoding a message from Redis with the deployment's key", () => {
  const signer = createEventSigner({ key: KEY });

  test("signed with it: the event, marked signed; unsigned or another key's: the event through the schema, not signed", () => {
    const signed = decodeRedisMessage("parlor:", CHANNEL, signer.sign(CHANNEL, json), signer);
    expect(signed).toEqual({ group: "room:lobby", event: messageEvent(3, "lobby"), signed: true });
    const other = createEventSigner({ key: "o".repeat(32) }).sign(CHANNEL, json);
    for (const payload of [json, other])
      expect(decodeRedisMessage("parlor:", CHANNEL, payload, signer)).toEqual({
        group: "room:lobby",
        event: messageEvent(3, "lobby"),
        signed: false,
      });
  });

  test("a signed event of room 'lobby' replayed on room:other's channel is dropped", () => {
    const payload = signer.sign(CHANNEL, json);
    const decoded = decodeRedisMessage("parlor:", "parlor:room:other", payload, signer);
    expect(decoded).toEqual({ dropped: 'dropped an event on parlor:room:other: it names room "lobby"' });
  });

  test("a signed event that names another room than its channel's is still dropped (a process of ours publishing it wrongly)", () => {
    const channel = "parlor:room:other";
    const decoded = decodeRedisMessage("parlor:", channel, signer.sign(channel, json), signer);
    expect(decoded).toEqual({ dropped: 'dropped an event on parlor:room:other: it names room "lobby"' });
  });
});
