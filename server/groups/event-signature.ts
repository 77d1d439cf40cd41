/**
 * Signing what this deployment's processes publish on Redis (REDIS_EVENT_KEY),
 * so that a process hearing an event can take it as it takes its own: no schema
 * check, no confirming read of the entry it carries. A signature is only ever a
 * shortcut: an event that does not verify (unsigned, another key, tampered,
 * stale) goes the way of any input from Redis (redis-events.ts, then the
 * database), so a process without the key, or with the previous one during a
 * rotation, loses nothing.
 *
 * On the wire a signed event is its own JSON with one more member at the end,
 * `{…,"sig":"<ms>.<mac>"}`: a process that does not know the key (an older
 * version during a rolling restart) parses it as before, the schema dropping
 * the member. The MAC (HMAC-SHA256, base64url) covers the time it was signed,
 * the channel, and the JSON delivered, exactly: the same bytes replayed on
 * another channel, or later than `maxAgeMs`, do not verify.
 */
import { timingSafeEqual } from "node:crypto";
import { SIGNED_EVENT_MAX_AGE_MS } from "../limits/defaults.ts";

const MARK = ',"sig":"';
const END = '"}';
/**
 * `<ms since epoch>.<the MAC: 32 bytes in 43 base64url characters>`. The last character holds 4 bits and 2
 * that must be 0, so only one spelling of a MAC is taken.
 */
const SIGNATURE = /^(\d{1,15})\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;

export interface EventSigner {
  /** `json` (the JSON of an object with at least one member) with its signature appended as a last member. */
  sign(channel: string, json: string): string;
  /** The JSON `payload` carries without its signature, when it verifies for `channel` now; else null. */
  verified(channel: string, payload: string): string | null;
}

export interface EventSignerOptions {
  /** Shared by every process of the deployment. */
  key: string;
  /** How old (or how far ahead of this clock) a signature may be and still verify: clocks of several machines differ a little. */
  maxAgeMs?: number;
  now?: () => number;
}

export function createEventSigner({
  key,
  maxAgeMs = SIGNED_EVENT_MAX_AGE_MS,
  now = Date.now,
}: EventSignerOptions): EventSigner {
  // HMAC-SHA256, keyed once: each MAC starts from a copy (a third of the cost of keying anew).
  const keyed = new Bun.CryptoHasher("sha256", key);
  // Lengths first: no channel and time can be read as another pair, whatever characters the channel holds.
  const mac = (time: string, channel: string, json: string) =>
    keyed.copy().update(`${time}:${channel.length}:${channel}:`).update(json);

  return {
    sign(channel, json) {
      const time = String(now());
      return `${json.slice(0, -1)}${MARK}${time}.${mac(time, channel, json).digest("base64url")}${END}`;
    },

    verified(channel, payload) {
      if (!payload.endsWith(END)) return null;
      const at = payload.lastIndexOf(MARK);
      if (at < 0) return null;
      const signature = SIGNATURE.exec(payload.slice(at + MARK.length, -END.length));
      if (!signature) return null;
      const [, time, given] = signature as unknown as [string, string, string];
      if (Math.abs(now() - Number(time)) > maxAgeMs) return null;
      const json = `${payload.slice(0, at)}}`;
      return timingSafeEqual(Buffer.from(given, "base64url"), mac(time, channel, json).digest()) ? json : null;
    },
  };
}
