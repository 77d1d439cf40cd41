/**
 * The revocations (server/rooms/revocations.ts) on the real in-memory group
 * layer and control channel: which open streams of a room end when it narrows,
 * and a stream that registers after a change it missed — its access was
 * checked before the change, it registered after — ending at once.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createControlChannel } from "../../server/groups/control-channel.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { createRevocations, GUEST, type RevokeReason } from "../../server/rooms/revocations.ts";
import { waitFor } from "../support/wait.ts";

const OWNER = 7;
const STRANGER = 8;

function setup(whyRevoked: (room: string, userId: number) => Promise<RevokeReason | null> = async () => null) {
  const groups = createMemoryGroupLayer();
  const control = createControlChannel(groups);
  const revocations = createRevocations({ control, whyRevoked });
  const ended: [number, RevokeReason][] = [];
  const hold = (room: string, userId: number, since?: number) =>
    revocations.watch(room, userId, (reason) => ended.push([userId, reason]), since);
  return { groups, control, revocations, ended, hold };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("revocations: a room narrowing who may read it", () => {
  test("narrow(room, [owner]) ends the guest's and the stranger's streams of it with 'hidden' at once, not the owner's, and no stream of another room", async () => {
    const { revocations, ended, hold } = setup();
    hold("fresh", GUEST);
    hold("fresh", STRANGER);
    hold("fresh", OWNER);
    hold("other", GUEST);
    revocations.narrowLocally("fresh", [OWNER]);
    expect(ended).toEqual([
      [GUEST, "hidden"],
      [STRANGER, "hidden"],
    ]);
  });

  test("a stream whose access was checked before a narrowing it missed ends as it registers; one checked after goes on", async () => {
    const { revocations, ended, hold } = setup();
    const before = revocations.mark();
    revocations.narrowLocally("fresh", [OWNER]);
    const after = revocations.mark();
    hold("fresh", GUEST, before);
    hold("fresh", STRANGER, before);
    hold("fresh", OWNER, before);
    hold("fresh", GUEST, after);
    hold("elsewhere", GUEST, before);
    expect(ended).toEqual([
      [GUEST, "hidden"],
      [STRANGER, "hidden"],
    ]);
  });

  test("a member kicked between their stream's access check and its registration: the stream ends as it registers, with 'kicked'", async () => {
    const { groups, control, revocations, ended, hold } = setup();
    await control.start();
    cleanup = async () => {
      control.close();
      await groups.close();
    };
    const before = revocations.mark();
    await revocations.revoke("inner", STRANGER, "kicked");
    hold("inner", STRANGER, before);
    hold("inner", OWNER, before);
    expect(ended).toEqual([[STRANGER, "kicked"]]);
  });

  test("a narrowing published by another process reaches this one's streams through the control channel", async () => {
    const { groups, control, ended, hold } = setup();
    await control.start();
    cleanup = async () => {
      control.close();
      await groups.close();
    };
    hold("fresh", GUEST);
    hold("fresh", OWNER);
    await control.publish({ type: "narrowed", room: "fresh", readers: [OWNER] });
    await waitFor(() => ended.length > 0, "the guest's stream ended");
    expect(ended).toEqual([[GUEST, "hidden"]]);
  });

  test("after more changes than are remembered, a late stream is checked against the database instead", async () => {
    const checked: [string, number][] = [];
    const { revocations, ended, hold } = setup(async (room, userId) => {
      checked.push([room, userId]);
      return userId === GUEST ? "hidden" : null;
    });
    const before = revocations.mark();
    for (let i = 0; i < 2000; i++) revocations.narrowLocally(`room${i}`, []);
    hold("fresh", GUEST, before);
    hold("fresh", OWNER, before);
    await waitFor(() => checked.length === 2, "both checked");
    await waitFor(() => ended.length > 0, "the guest's stream ended");
    expect(ended).toEqual([[GUEST, "hidden"]]);
  });
});
