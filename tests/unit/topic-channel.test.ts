/**
 * The WebSocket side of the live relay (server/trpc/ws/topics.ts) with a fake
 * Bun server and members: one publish per (key, request prefix), what was queued
 * goes out before the first topic frame, deliveries are counted per member, and
 * a member that falls behind is taken off (or, far behind, closed as too slow)
 * within a bounded number of bytes.
 */
import { describe, expect, test } from "bun:test";
import { tracked } from "@trpc/server";
import { appRouter } from "../../server/trpc/router.ts";
import { createFrameEncoder } from "../../server/trpc/ws/protocol.ts";
import { createTopicChannel, type TopicMember } from "../../server/trpc/ws/topics.ts";

const HIGH = 1000;
const SLOW = 4000;

function setup() {
  const wire: string[] = [];
  const subscribed = new Map<string, Set<Member>>();
  class Member implements TopicMember {
    isOpen = true;
    buffered = 0;
    outbox: string[] = [];
    got: string[] = [];
    closedTooSlow = false;
    queuedBytes = () => this.buffered + this.outbox.join("").length;
    flush = () => {
      this.got.push(...this.outbox);
      this.outbox = [];
    };
    subscribeTopic = (topic: string) => {
      if (!subscribed.has(topic)) subscribed.set(topic, new Set());
      subscribed.get(topic)!.add(this);
    };
    unsubscribeTopic = (topic: string) => void subscribed.get(topic)?.delete(this);
    closeTooSlow = () => {
      this.closedTooSlow = true;
      this.isOpen = false;
    };
  }
  const stats = { deliveries: 0 };
  const channel = createTopicChannel({
    frames: createFrameEncoder(appRouter),
    highWaterBytes: HIGH,
    slowConsumerBytes: SLOW,
    stats,
  });
  channel.attach({
    publish(topic, data) {
      wire.push(topic);
      for (const member of subscribed.get(topic) ?? []) {
        member.got.push(data);
        member.buffered += data.length;
      }
      return data.length;
    },
  });
  return { channel, stats, wire, Member };
}

/** These tests resume no stream: a seat's holder has nothing to do. */
const holder = { resume() {} };
const value = (seq: number) => tracked(String(seq), { kind: "message", seq, text: "x".repeat(50) });
const seqs = (frames: string[]) => frames.map((f) => Number(/"id":"(\d+)"/.exec(f)?.[1] ?? -1));

describe("topic channel", () => {
  test("one publish per request prefix reaches every member; what a member had queued goes first; each member is counted", () => {
    const { channel, stats, wire, Member } = setup();
    const [a, b, c] = [new Member(), new Member(), new Member()];
    a.outbox.push('{"id":1,"queued":true}');
    const rider = { behind() {} };
    expect(channel.seat(a, '{"id":1,', holder).join("room:r", rider)).toBe(true);
    expect(channel.seat(b, '{"id":1,', holder).join("room:r", rider)).toBe(true);
    expect(channel.seat(c, '{"id":7,', holder).join("room:r", rider)).toBe(true);
    channel.publish("room:r", value(1));
    expect(wire.length).toBe(2);
    expect(stats.deliveries).toBe(3);
    expect(a.got[0]).toBe('{"id":1,"queued":true}');
    expect(a.got[1]).toStartWith('{"id":1,"result":{"type":"data"');
    expect(c.got[0]).toStartWith('{"id":7,"result":{"type":"data"');
    expect(channel.members("room:r")).toBe(3);
  });

  test("a member at the high-water mark cannot join; one that falls behind is taken off within a quarter mark of bytes; far behind, closed as too slow", () => {
    const { channel, Member } = setup();
    const full = new Member();
    full.buffered = HIGH;
    expect(channel.seat(full, '{"id":1,', holder).join("room:r", { behind() {} })).toBe(false);

    const [reader, stalled, gone] = [new Member(), new Member(), new Member()];
    const behind: string[] = [];
    const seats = new Map([reader, stalled, gone].map((m, _i) => [m, channel.seat(m, '{"id":1,', holder)] as const));
    for (const [m, seat] of seats)
      seat.join("room:r", {
        behind: () => (behind.push(m === reader ? "reader" : m === stalled ? "stalled" : "gone"), seat.leave()),
      });
    gone.buffered = SLOW; // its reader stopped long ago
    let sent = 0;
    while (behind.length < 2 && sent < 100) {
      channel.publish("room:r", value(++sent));
      reader.buffered = 0; // reads everything at once
    }
    expect(behind.sort()).toEqual(["gone", "stalled"]);
    expect(gone.closedTooSlow).toBe(true);
    expect(stalled.closedTooSlow).toBe(false);
    // Taken off before it held 1.25 × the mark (plus one frame).
    expect(stalled.buffered).toBeLessThan(HIGH * 1.25 + 200);
    expect(channel.members("room:r")).toBe(1);
    // Off the topic: later publishes do not reach it.
    const had = stalled.got.length;
    channel.publish("room:r", value(++sent));
    expect(stalled.got.length).toBe(had);
    expect(seqs(reader.got)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
  });

  test("a member riding many rooms is checked on what all of them publish: still taken off within the bound", () => {
    const { channel, Member } = setup();
    const stalled = new Member();
    let off = false;
    const seats = Array.from(
      { length: 50 },
      (_, i) => [`room:r${i}`, channel.seat(stalled, '{"id":1,', holder)] as const,
    );
    for (const [key, seat] of seats)
      seat.join(key, {
        behind() {
          off = true;
          for (const [, s] of seats) s.leave();
        },
      });
    let sent = 0;
    while (!off && sent < 1000) for (const [key] of seats) channel.publish(key, value(++sent));
    expect(off).toBe(true);
    expect(stalled.buffered).toBeLessThan(HIGH * 1.25 + 200);
  });
});
