import { createMemo, createSignal, For, onMount, Show } from "solid-js";
import { searchEmoji } from "../../../shared/emoji.ts";
import { EMOJI_COLUMNS, moveInGrid } from "../lib/emoji-grid.ts";
import { useT } from "../lib/locale.ts";

export interface EmojiPickerProps {
  /** Prefix of the ids inside it (unique on the page). */
  id: string;
  /** What picking does, for the list's name: "Emoji to insert", "Emoji to react with". */
  label: string;
  /** The search box's name: "Search emoji to insert". */
  searchLabel: string;
  onPick: (emoji: string) => void;
  /** Esc: the opener closes it and takes the focus back. */
  onClose: () => void;
}

/**
 * A searchable emoji grid: the search box keeps the focus (type `heart`, `:tada`,
 * or paste an emoji), the arrows move through the matches, Enter or a click
 * picks one, Esc closes. The names are GitHub's shortcodes, the ones `:name:`
 * in a message turns into an emoji.
 */
export function EmojiPicker(props: EmojiPickerProps) {
  const t = useT();
  const [query, setQuery] = createSignal("");
  const [active, setActive] = createSignal(0);
  const choices = createMemo(() => searchEmoji(query(), EMOJI_COLUMNS * 6));
  const optionId = (i: number) => `${props.id}-option-${i}`;
  let input: HTMLInputElement | undefined;
  onMount(() => input?.focus());

  function onKeyDown(event: KeyboardEvent) {
    if (event.isComposing) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      props.onClose();
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      const choice = choices()[active()];
      if (choice) props.onPick(choice.emoji);
      return;
    }
    const next = moveInGrid(active(), event.key, choices().length);
    if (next === null) return;
    event.preventDefault();
    setActive(next);
    document.getElementById(optionId(next))?.scrollIntoView({ block: "nearest" });
  }

  return (
    <div class="emoji-picker">
      <input
        ref={input}
        id={`${props.id}-search`}
        type="search"
        class="emoji-search"
        placeholder={t("emoji.search")}
        autocomplete="off"
        role="combobox"
        aria-label={props.searchLabel}
        aria-expanded={choices().length > 0}
        aria-controls={`${props.id}-list`}
        aria-activedescendant={choices().length > 0 ? optionId(active()) : undefined}
        value={query()}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <Show
        when={choices().length > 0}
        fallback={
          <p class="emoji-none" role="status">
            {t("emoji.noMatch", { query: query() })}
          </p>
        }
      >
        <div id={`${props.id}-list`} class="emoji-grid" role="listbox" aria-label={props.label}>
          <For each={choices()}>
            {(choice, i) => (
              <div
                id={optionId(i())}
                role="option"
                class="emoji-option"
                classList={{ active: i() === active() }}
                aria-selected={i() === active()}
                aria-label={choice.names[0] ? `:${choice.names[0]}:` : choice.emoji}
                title={choice.names.map((n) => `:${n}:`).join(" ")}
                // Keeps the focus in the search box.
                onMouseDown={(e) => e.preventDefault()}
                onMouseEnter={() => setActive(i())}
                onClick={() => props.onPick(choice.emoji)}
              >
                {choice.emoji}
              </div>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
