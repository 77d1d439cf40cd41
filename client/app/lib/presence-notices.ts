/**
 * "ann joined" / "ann left", batched. Changes are collected for `batchMs` and
 * announced as one net change (who is here now that was not at the last
 * notice, and the reverse), so a reconnect storm of a hundred people is one
 * "ann, ben and 98 others joined", not a hundred lines for a screen reader,
 * and someone who reloads their page is not announced at all.
 *
 * The first snapshot after (re)subscribing is a reset: it says who is here,
 * not who arrived — so neither your own arrival nor your own reconnect
 * announces everyone already in the room.
 */
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { describeChange, diffPresent } from "./presence.ts";
import { realTimers, type Timers } from "./timers.ts";

export type { Timers };

export interface PresenceNoticesOptions {
  /** The signed-in user's name, never announced; null for a guest. */
  self: () => string | null | undefined;
  /** The notice to show (and announce) now; "" when it should go away. */
  onNotice: (text: string) => void;
  /** How long changes are gathered into one notice; also the least time between two notices. */
  batchMs?: number;
  /** How long a notice stays. */
  showMs?: number;
  timers?: Timers;
  /** The page's translator (English when not given). */
  t?: Translate;
}

export function createPresenceNotices({
  self,
  onNotice,
  batchMs = 1_500,
  showMs = 6_000,
  timers = realTimers,
  t = english,
}: PresenceNoticesOptions) {
  /** The users as of the last notice or reset; null before the first snapshot. */
  let announced: readonly string[] | null = null;
  let current: readonly string[] = [];
  let batchTimer: unknown;
  let clearTimer: unknown;

  function cancelBatch() {
    if (batchTimer !== undefined) timers.clearTimeout(batchTimer);
    batchTimer = undefined;
  }

  function flush() {
    batchTimer = undefined;
    if (announced === null) return;
    const text = describeChange(t, diffPresent(announced, current, self()));
    announced = current;
    if (!text) return;
    onNotice(text);
    if (clearTimer !== undefined) timers.clearTimeout(clearTimer);
    clearTimer = timers.setTimeout(() => {
      clearTimer = undefined;
      onNotice("");
    }, showMs);
  }

  /** The first snapshot of a (re)subscription: who is here, announcing nobody. */
  function reset(users: readonly string[]) {
    cancelBatch();
    announced = current = users;
  }

  return {
    reset,
    /** A later snapshot's users. */
    update(users: readonly string[]) {
      if (announced === null) return reset(users);
      current = users;
      batchTimer ??= timers.setTimeout(flush, batchMs);
    },
    dispose() {
      cancelBatch();
      if (clearTimer !== undefined) timers.clearTimeout(clearTimer);
      clearTimer = undefined;
    },
  };
}

export type PresenceNotices = ReturnType<typeof createPresenceNotices>;
