import { A } from "@solidjs/router";
import { createSignal, Match, Show, Switch } from "solid-js";
import type { ComposerState } from "../lib/composer-state.ts";
import { useT } from "../lib/locale.ts";
import { createMentionPicker } from "../lib/mention-picker.ts";
import { usePeople } from "../lib/people.ts";
import type { SessionUser } from "../lib/session.ts";
import { ComposerEmoji } from "./composer-emoji.tsx";
import { AttachIcon, SendIcon } from "./icons.tsx";
import { MENTION_LIST_ID, MentionList, mentionOptionId } from "./mention-list.tsx";
import { Rich } from "./rich.tsx";
import { UploadTray } from "./upload-tray.tsx";

export interface ComposerProps {
  room: string;
  /** How the room is called: "#lobby", or the other person's name in a direct conversation. */
  label: string;
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
  const t = useT();
  let input: HTMLTextAreaElement | undefined;
  let form: HTMLFormElement | undefined;
  const mode = () => props.state.mode();
  const people = usePeople();
  const picker = createMentionPicker({
    names: () => props.mentionNames?.() ?? [],
    displayName: (username) => people.profile(username)?.displayName ?? null,
    self: () => props.user?.username,
    apply(value, caret) {
      props.state.input(value);
      if (input) {
        input.value = value;
        input.setSelectionRange(caret, caret);
      }
    },
  });

  let fileInput: HTMLInputElement | undefined;
  /** A drag with files is over the composer: it shows where they will go. */
  const [dropping, setDropping] = createSignal(false);
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") === true;

  function onDragOver(event: DragEvent) {
    if (!carriesFiles(event) || mode().kind === "edit") return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    setDropping(true);
  }

  function onDrop(event: DragEvent) {
    setDropping(false);
    const files = event.dataTransfer?.files;
    if (!files || files.length === 0 || mode().kind === "edit") return;
    event.preventDefault();
    props.state.attach(files);
    input?.focus();
  }

  /** A pasted image (a screenshot) is attached; pasted text goes in as text. */
  function onPaste(event: ClipboardEvent) {
    const files = event.clipboardData?.files;
    if (!files || files.length === 0 || mode().kind === "edit") return;
    props.state.attach(files);
    // Text copied with an image (from a document) still pastes as text; a bare image adds nothing to the box.
    if (!event.clipboardData?.types.includes("text/plain")) event.preventDefault();
  }

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
        <form
          ref={form}
          class="composer"
          classList={{ editing: mode().kind === "edit", dropping: dropping() }}
          onSubmit={submit}
          onDragOver={onDragOver}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false);
          }}
          onDrop={onDrop}
          novalidate
        >
          <Show when={mode().kind !== "new"}>
            <div class="composer-mode" id="composer-mode">
              <span class="composer-mode-text">
                <Show when={mode().kind === "edit"} fallback={t("composer.replyingTo", { quote: props.replyingTo })}>
                  {t("composer.editing")}
                </Show>
                <span class="hint"> · {t("composer.escToCancel")}</span>
              </span>
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  props.state.cancel();
                  input?.focus();
                }}
              >
                {mode().kind === "edit" ? t("composer.cancel") : t("composer.cancelReply")}
              </button>
            </div>
          </Show>
          <label for="messageInput" class="visually-hidden">
            {mode().kind === "edit" ? t("composer.editLabel") : t("composer.messageTo", { label: props.label })}
          </label>
          <MentionList picker={picker} />
          <UploadTray
            items={props.state.files()}
            waiting={props.state.waiting()}
            onRemove={(key) => props.state.removeFile(key)}
          />
          <textarea
            ref={(el) => {
              input = el;
              props.inputRef?.(el);
            }}
            id="messageInput"
            rows={1}
            autocomplete="off"
            enterkeyhint={mode().kind === "edit" ? "done" : "send"}
            placeholder={t("composer.messageTo", { label: props.label })}
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
            onPaste={onPaste}
            aria-invalid={props.state.error() !== null}
            aria-describedby={
              mode().kind === "new" ? "composer-hint composer-error" : "composer-mode composer-hint composer-error"
            }
          />
          <Show when={mode().kind !== "edit"}>
            <button
              type="button"
              class="icon-button composer-attach"
              aria-label={t("composer.attach")}
              title={t("composer.attach")}
              onClick={() => fileInput?.click()}
            >
              <AttachIcon />
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              onChange={(e) => {
                const files = e.currentTarget.files;
                if (files) props.state.attach(files);
                // Cleared, so picking the same file again is a change.
                e.currentTarget.value = "";
                input?.focus();
              }}
            />
          </Show>
          <ComposerEmoji input={() => input} onInput={(value) => props.state.input(value)} />
          {/* On a phone Send is a paper plane (its word still its name) and the text box takes the width; Save keeps its word. */}
          <button id="sendBtn" class="send-button" type="submit" aria-busy={props.state.waiting()}>
            <Show when={mode().kind !== "edit"}>
              <SendIcon />
            </Show>
            <span class="send-text">{mode().kind === "edit" ? t("composer.save") : t("composer.send")}</span>
          </button>
          <p id="composer-hint" class="visually-hidden">
            {t("composer.hint")}
          </p>
          <p id="composer-error" class="error" role="alert">
            {props.state.error() ?? ""}
          </p>
        </form>
      </Match>
      <Match when={props.user === null}>
        <div class="composer guest">
          <p>
            <Rich
              text={t("composer.guest")}
              slots={{
                signin: (words) => <A href={props.loginHref}>{words}</A>,
                signup: (words) => <A href={`${props.loginHref}&mode=signup`}>{words}</A>,
              }}
            />
          </p>
        </div>
      </Match>
    </Switch>
  );
}
