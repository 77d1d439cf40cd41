/** The GroupLayer contract, run against every group layer in tests/support/backends.ts. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import type { Delivery, GroupLayer } from "../../server/groups/group-layer.ts";
import { describeEach, groupLayerBackends, type TestGroups } from "../support/backends.ts";
import { deliverySeq, messageEvent } from "../support/entries.ts";
import { waitFor } from "../support/wait.ts";

const event = messageEvent;

/** Reads `n` deliveries, failing (not hanging) after `ms`. */
async function take(stream: AsyncIterable<Delivery>, n: number, ms = 2000): Promise<Delivery[]> {
  const out: Delivery[] = [];
  const it = stream[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const next = await Promise.race([
      it.next(),
      Bun.sleep(Math.max(0, deadline - Date.now())).then(() => "timeout" as const),
    ]);
    if (next === "timeout") throw new Error(`got ${out.length} of ${n} deliveries in ${ms} ms`);
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/** A message event of the room whose group is `group` ("room:<name>"): the Redis layer drops events naming another room. */
const eventOf = (group: string, seq: number) => event(seq, group.slice("room:".length));

const seqs = (ds: Delivery[]) => ds.map(deliverySeq);

await describeEach("GroupLayer", groupLayerBackends, (backend) => {
  let env: TestGroups & { dispose(): Promise<void> };
  let groups: GroupLayer;
  let group: string;
  let n = 0;
  beforeEach(async () => {
    env = await backend.create();
    groups = env.groups;
    group = `room:contract-${process.pid}-${++n}`;
  });
  afterEach(() => env.dispose());

  test("every subscriber of a group gets each event, in publish order; other groups get nothing", async () => {
    const ac = new AbortController();
    const a = await groups.subscribe(group, { signal: ac.signal });
    const b = await groups.subscribe(group, { signal: ac.signal });
    const other = await groups.subscribe(`${group}-other`, { signal: ac.signal });
    for (let i = 1; i <= 5; i++) await groups.publish(group, eventOf(group, i));
    expect(seqs(await take(a, 5))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(await take(b, 5))).toEqual([1, 2, 3, 4, 5]);
    await groups.publish(`${group}-other`, eventOf(`${group}-other`, 99));
    expect(seqs(await take(other, 1))).toEqual([99]);
    ac.abort();
  });

  test("an event published right after subscribe resolves is delivered (subscribe means live)", async () => {
    const ac = new AbortController();
    const stream = await groups.subscribe(group, { signal: ac.signal });
    await groups.publish(group, eventOf(group, 1));
    expect(seqs(await take(stream, 1))).toEqual([1]);
    ac.abort();
  });

  test("aborting ends the stream and releases the subscription", async () => {
    const ac = new AbortController();
    const stream = await groups.subscribe(group, { signal: ac.signal });
    expect(groups.subscriberCount(group)).toBe(1);
    const reading = take(stream, 1);
    ac.abort();
    expect(await reading).toEqual([]);
    await waitFor(() => groups.subscriberCount(group) === 0, "the subscription to be released");
  });

  test("leaving a for-await loop releases the subscription", async () => {
    const ac = new AbortController();
    const stream = await groups.subscribe(group, { signal: ac.signal });
    await groups.publish(group, eventOf(group, 1));
    for await (const _ of stream) break;
    await waitFor(() => groups.subscriberCount(group) === 0, "the subscription to be released");
    ac.abort();
  });

  test("a subscriber more than `capacity` behind gets one lagged marker with the count dropped, then live events", async () => {
    const ac = new AbortController();
    const slow = await groups.subscribe(group, { signal: ac.signal, capacity: 3 });
    const fast = await groups.subscribe(group, { signal: ac.signal });
    for (let i = 1; i <= 10; i++) await groups.publish(group, eventOf(group, i));
    // The fast reader is unaffected by the slow one.
    expect(seqs(await take(fast, 10))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [marker] = await take(slow, 1);
    expect(marker).toEqual({ type: "lagged", dropped: 10 });
    await groups.publish(group, eventOf(group, 11));
    expect(seqs(await take(slow, 1))).toEqual([11]);
    ac.abort();
  });

  test("a subscriber within capacity loses nothing", async () => {
    const ac = new AbortController();
    const stream = await groups.subscribe(group, { signal: ac.signal, capacity: 5 });
    for (let i = 1; i <= 5; i++) await groups.publish(group, eventOf(group, i));
    expect(seqs(await take(stream, 5))).toEqual([1, 2, 3, 4, 5]);
    ac.abort();
  });

  test("close ends every stream", async () => {
    const stream = await groups.subscribe(group, { signal: new AbortController().signal });
    const reading = take(stream, 1);
    await groups.close();
    expect(await reading).toEqual([]);
  });
});
