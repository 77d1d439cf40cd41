import { createSignal, Show } from "solid-js";
import { useT } from "../lib/locale.ts";
import { EmojiPicker } from "./emoji-picker.tsx";
import { ReactIcon } from "./icons.tsx";

/**
 * The composer's emoji button: opens the picker above the text box; a pick goes
 * in at the caret (replacing a selection) and the text box takes the focus back,
 * Esc gives it to the button.
 */
export function ComposerEmoji(props: {
  input: () => HTMLTextAreaElement | undefined;
  onInput: (value: string) => void;
}) {
  const t = useT();
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;

  function insert(emoji: string) {
    setOpen(false);
    const input = props.input();
    if (!input) return;
    const { selectionStart: start, selectionEnd: end, value } = input;
    input.value = value.slice(0, start) + emoji + value.slice(end);
    props.onInput(input.value);
    input.focus();
    input.setSelectionRange(start + emoji.length, start + emoji.length);
  }

  return (
    <>
      <button
        ref={button}
        type="button"
        class="icon-button composer-emoji"
        aria-label={t("composer.insertEmoji")}
        title={t("composer.insertEmoji")}
        aria-expanded={open()}
        onClick={() => setOpen(!open())}
      >
        <ReactIcon />
      </button>
      <Show when={open()}>
        <div class="composer-emoji-panel">
          <EmojiPicker
            id="composer-emoji"
            label={t("emoji.toInsert")}
            searchLabel={t("emoji.searchToInsert")}
            onPick={insert}
            onClose={() => {
              setOpen(false);
              button?.focus();
            }}
          />
        </div>
      </Show>
    </>
  );
}
