import { A } from "@solidjs/router";
import { Match, Show, Switch } from "solid-js";
import type { ComposerState } from "../lib/composer-state.ts";
import { createMentionPicker } from "../lib/mention-picker.ts";
import type { SessionUser } from "../lib/session.ts";
import { ComposerEmoji } from "./composer-emoji.tsx";
import { MENTION_LIST_ID, MentionList, mentionOptionId } from "./mention-list.tsx";

export interface ComposerProps {
  room: string;
  /** The signed-in user; null for a guest, undefined while unknown. */
  user: SessionUser | null | undefined;
  state: ComposerState;
  /** While replying: the one-line quote of the message answered ("ann: hello…"). */
  replyingTo: string;
  loginHref: string;
  /** Lets the page focus the input (after choosing Reply or Edit on a message). */
  inputRef?: (input: HTMLTextAreaElement) => void;
  /** Names `@` completes to: the room's members and the people present. */
  mentionNames?: () => Iterable<string>;
}

/**
 * The message box for a signed-in user; an offer to sign in for a guest.
 * Enter sends, Shift+Enter starts a new line; `@` offers the names of the room.
 * It also edits: ↑ in an empty box edits your last message, Esc cancels an edit or a reply.
 */
export function Composer(props: ComposerProps) {
  let input: HTMLTextAreaElement | undefined;
  let form: HTMLFormElement | undefined;
  const mode = () => props.state.mode();
  const picker = createMentionPicker({
    names: () => props.mentionNames?.() ?? [],
    self: () => props.user?.username,
    apply(value, caret) {
      props.state.input(value);
      if (input) {
        input.value = value;
        input.setSelectionRange(caret, caret);
      }
    },
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    picker.close();
    await props.state.submit();
    input?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.isComposing) return;
    // The @ list, when open, takes ↑ ↓ Enter Tab Esc.
    if (picker.keyDown(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) {
      // Enter sends (or saves an edit); Shift+Enter is a new line.
      event.preventDefault();
      form?.requestSubmit();
    } else if (event.key === "ArrowUp" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      if (props.state.editLast()) event.preventDefault();
    } else if (event.key === "Escape") {
      if (props.state.cancel()) event.preventDefault();
    }
  }

  return (
    <Switch fallback={<div class="composer" aria-busy="true" />}>
      <Match when={props.user}>
        <form ref={form} class="composer" classList={{ editing: mode().kind === "edit" }} onSubmit={submit} novalidate>
          <Show when={mode().kind !== "new"}>
            <div class="composer-mode" id="composer-mode">
              <span class="composer-mode-text">
                <Show when={mode().kind === "edit"} fallback={<>Replying to {props.replyingTo}</>}>
                  Editing your message
                </Show>
                <span class="hint"> · Esc to cancel</span>
              </span>
              <button type="button" class="link-button" onClick={() => {
                  props.state.cancel();
                  input?.focus();
                }}>
                {mode().kind === "edit" ? "Cancel" : "Cancel reply"}
              </button>
            </div>
          </Show>
          <label for="messageInput" class="visually-hidden">
            {mode().kind === "edit" ? "Edit your message" : `Message #${props.room}`}
          </label>
          <MentionList picker={picker} />
          <textarea
            ref={(el) => {
              input = el;
              props.inputRef?.(el);
            }}
            id="messageInput"
            rows={1}
            autocomplete="off"
            enterkeyhint={mode().kind === "edit" ? "done" : "send"}
            placeholder={`Message #${props.room}`}
            maxlength={4000}
            value={props.state.text()}
            onInput={(e) => {
              props.state.input(e.currentTarget.value);
              picker.update(e.currentTarget.value, e.currentTarget.selectionStart);
            }}
            onClick={(e) => picker.update(e.currentTarget.value, e.currentTarget.selectionStart)}
            onBlur={() => picker.close()}
            aria-autocomplete="list"
            aria-controls={picker.open() ? MENTION_LIST_ID : undefined}
            aria-activedescendant={picker.open() ? mentionOptionId(picker.active()) : undefined}
            onKeyDown={onKeyDown}
            aria-invalid={props.state.error() !== null}
            aria-describedby={mode().kind === "new" ? "composer-hint composer-error" : "composer-mode composer-hint composer-error"}
          />
          <ComposerEmoji input={() => input} onInput={(value) => props.state.input(value)} />
          <button id="sendBtn" type="submit">
            {mode().kind === "edit" ? "Save" : "Send"}
          </button>
          <p id="composer-hint" class="visually-hidden">
            Enter sends, Shift+Enter starts a new line, @ mentions someone, Markdown formats (**bold**, _italic_, `code`).
          </p>
          <p id="composer-error" class="error" role="alert">
            {props.state.error() ?? ""}
          </p>
        </form>
      </Match>
      <Match when={props.user === null}>
        <div class="composer guest">
          <p>
            You are reading as a guest. <A href={props.loginHref}>Sign in</A> or{" "}
            <A href={`${props.loginHref}&mode=signup`}>create an account</A> to send messages.
          </p>
        </div>
      </Match>
    </Switch>
  );
}
