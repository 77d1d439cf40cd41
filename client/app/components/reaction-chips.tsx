import { For, Show } from "solid-js";
import { useT } from "../lib/locale.ts";
import type { ReactionChip } from "../lib/reactions.ts";

/**
 * A message's reactions: emoji and count, who reacted in the tooltip. Signed in,
 * each chip is a toggle (pressed when yours); a guest sees them as plain labels.
 */
export function ReactionChips(props: {
  chips: ReactionChip[];
  canReact: boolean;
  onToggle: (emoji: string, add: boolean) => void;
}) {
  const t = useT();
  return (
    <Show when={props.chips.length > 0}>
      <div class="reactions" role="group" aria-label={t("timeline.reactions")}>
        {/* Keyed by emoji, not by chip object: a toggled chip keeps its element, and keyboard focus with it. */}
        <For each={props.chips.map((c) => c.emoji)}>
          {(emoji) => {
            const chip = () => props.chips.find((c) => c.emoji === emoji) ?? { emoji, count: 0, mine: false, who: "" };
            return (
              <Show
                when={props.canReact}
                fallback={
                  <span class="chip" title={t("timeline.reacted", { who: chip().who, emoji: chip().emoji })}>
                    <span class="chip-emoji">{chip().emoji}</span> <span class="chip-count">{chip().count}</span>
                  </span>
                }
              >
                <button
                  type="button"
                  class="chip"
                  aria-pressed={chip().mine}
                  title={t(chip().mine ? "timeline.reactedMine" : "timeline.reacted", {
                    who: chip().who,
                    emoji: chip().emoji,
                  })}
                  onClick={() => props.onToggle(chip().emoji, !chip().mine)}
                >
                  <span class="chip-emoji">{chip().emoji}</span> <span class="chip-count">{chip().count}</span>
                </button>
              </Show>
            );
          }}
        </For>
      </div>
    </Show>
  );
}
