import { createSignal, For, Show } from "solid-js";
import { useT } from "../lib/locale.ts";
import { checkEmoji, QUICK_EMOJI } from "../lib/reactions.ts";
import { EmojiPicker } from "./emoji-picker.tsx";
import { DeleteIcon, EditIcon, ReactIcon, ReplyIcon } from "./icons.tsx";

export interface MessageActionsProps {
  seq: number;
  /** Your own message: it can be edited and deleted. */
  own: boolean;
  /** It can be deleted though not yours (you moderate the room). */
  canDelete?: boolean;
  onReply: () => void;
  onReact: (emoji: string) => void;
  onEdit: () => void;
  onDelete: () => void;
}

/**
 * The actions of one message: a small toolbar that shows while the message is
 * hovered or has focus (Tab reaches it from the message), the reaction picker,
 * and the "Delete this message?" question, both in the message's own flow.
 */
export function MessageActions(props: MessageActionsProps) {
  const t = useT();
  const [panel, setPanel] = createSignal<"none" | "react" | "delete">("none");
  const [anyEmoji, setAnyEmoji] = createSignal("");
  const [anyError, setAnyError] = createSignal<string | null>(null);
  const [searching, setSearching] = createSignal(false);
  let moreButton: HTMLButtonElement | undefined;
  let reactButton: HTMLButtonElement | undefined;
  let deleteButton: HTMLButtonElement | undefined;
  const id = (what: string) => `m${props.seq}-${what}`;

  function close() {
    const was = panel();
    setPanel("none");
    setAnyEmoji("");
    setAnyError(null);
    setSearching(false);
    (was === "delete" ? deleteButton : reactButton)?.focus();
  }

  function closeOnEscape(event: KeyboardEvent) {
    if (event.key !== "Escape") return;
    event.stopPropagation();
    close();
  }

  function toggle(which: "react" | "delete") {
    if (panel() === which) return close();
    setPanel(which);
    setAnyError(null);
    // The panel is rendered by now: its first choice takes the focus.
    document.getElementById(which === "react" ? id("quick-0") : id("confirm-cancel"))?.focus();
  }

  function react(emoji: string) {
    props.onReact(emoji);
    close();
  }

  function addAny(event: SubmitEvent) {
    event.preventDefault();
    const checked = checkEmoji(anyEmoji(), t);
    if (!checked.ok) {
      setAnyError(checked.error);
      return;
    }
    react(checked.emoji);
  }

  return (
    <>
      <div
        class="message-actions"
        classList={{ open: panel() !== "none" }}
        role="toolbar"
        aria-label={t("timeline.actions")}
      >
        <button
          type="button"
          class="icon-button"
          aria-label={t("timeline.reply")}
          title={t("timeline.reply")}
          onClick={() => props.onReply()}
        >
          <ReplyIcon />
        </button>
        <button
          ref={reactButton}
          type="button"
          class="icon-button"
          aria-label={t("timeline.react")}
          title={t("timeline.react")}
          aria-expanded={panel() === "react"}
          aria-controls={id("picker")}
          onClick={() => toggle("react")}
        >
          <ReactIcon />
        </button>
        <Show when={props.own}>
          <button
            type="button"
            class="icon-button"
            aria-label={t("timeline.edit")}
            title={t("timeline.edit")}
            onClick={() => props.onEdit()}
          >
            <EditIcon />
          </button>
        </Show>
        <Show when={props.own || props.canDelete}>
          <button
            ref={deleteButton}
            type="button"
            class="icon-button"
            aria-label={t("timeline.delete")}
            title={t("timeline.delete")}
            aria-expanded={panel() === "delete"}
            onClick={() => toggle("delete")}
          >
            <DeleteIcon />
          </button>
        </Show>
      </div>

      <Show when={panel() === "react"}>
        <div
          class="message-panel picker"
          id={id("picker")}
          role="group"
          aria-label={t("timeline.addReaction")}
          onKeyDown={closeOnEscape}
        >
          <div class="quick-emoji">
            <For each={QUICK_EMOJI}>
              {(emoji, i) => (
                <button
                  type="button"
                  class="emoji-button"
                  id={id(`quick-${i()}`)}
                  aria-label={t("timeline.reactWith", { emoji })}
                  onClick={() => react(emoji)}
                >
                  {emoji}
                </button>
              )}
            </For>
            <button
              ref={moreButton}
              type="button"
              class="small-button secondary"
              aria-expanded={searching()}
              onClick={() => setSearching(!searching())}
            >
              {t("timeline.moreEmoji")}
            </button>
          </div>
          <Show when={searching()}>
            <EmojiPicker
              id={id("emoji")}
              label={t("emoji.toReact")}
              searchLabel={t("emoji.searchToReact")}
              onPick={react}
              onClose={() => {
                setSearching(false);
                moreButton?.focus();
              }}
            />
          </Show>
          <form class="any-emoji" onSubmit={addAny} novalidate>
            <label for={id("any")}>{t("timeline.anyEmoji")}</label>
            <input
              id={id("any")}
              type="text"
              autocomplete="off"
              enterkeyhint="done"
              size={6}
              maxlength={64}
              value={anyEmoji()}
              onInput={(e) => {
                setAnyEmoji(e.currentTarget.value);
                setAnyError(null);
              }}
              aria-invalid={anyError() !== null}
              aria-describedby={id("any-error")}
            />
            <button type="submit" class="small-button">
              {t("timeline.add")}
            </button>
            <p id={id("any-error")} class="error" role="alert">
              {anyError() ?? ""}
            </p>
          </form>
        </div>
      </Show>

      <Show when={panel() === "delete"}>
        <div
          class="message-panel confirm"
          role="group"
          aria-label={t("timeline.confirmDelete")}
          onKeyDown={closeOnEscape}
        >
          <span>{t("timeline.deleteQuestion")}</span>
          <button
            type="button"
            class="small-button danger"
            onClick={() => {
              setPanel("none");
              props.onDelete();
            }}
          >
            {t("timeline.delete")}
          </button>
          <button type="button" class="small-button secondary" id={id("confirm-cancel")} onClick={close}>
            {t("timeline.cancel")}
          </button>
        </div>
      </Show>
    </>
  );
}
