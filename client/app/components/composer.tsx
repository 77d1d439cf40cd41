import { A } from "@solidjs/router";
import { createSignal, Match, Switch } from "solid-js";
import { MessageText } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import { createMentionPicker } from "../lib/mention-picker.ts";
import type { SessionUser } from "../lib/session.ts";
import { MENTION_LIST_ID, MentionList, mentionOptionId } from "./mention-list.tsx";

export interface ComposerProps {
  room: string;
  /** The signed-in user; null for a guest, undefined while unknown. */
  user: SessionUser | null | undefined;
  send: (text: string) => Promise<unknown>;
  /** Called with the draft on each edit (the room signals typing from it). */
  onDraft?: (text: string) => void;
  loginHref: string;
  /** Names `@` completes to: the room's members and the people present. */
  mentionNames?: () => Iterable<string>;
}

/**
 * The message box for a signed-in user; an offer to sign in for a guest.
 * Enter sends, Shift+Enter starts a new line; `@` offers the names of the room.
 */
export function Composer(props: ComposerProps) {
  const [text, setText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  let input: HTMLTextAreaElement | undefined;
  let form: HTMLFormElement | undefined;
  const picker = createMentionPicker({
    names: () => props.mentionNames?.() ?? [],
    self: () => props.user?.username,
    apply(value, caret) {
      setText(value);
      if (input) {
        input.value = value;
        input.setSelectionRange(caret, caret);
      }
      props.onDraft?.(value);
    },
  });

  function onKeyDown(event: KeyboardEvent) {
    if (picker.keyDown(event)) {
      event.preventDefault();
      return;
    }
    // Enter sends; Shift+Enter is a new line; Enter while an input method composes a word is the IME's.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form?.requestSubmit();
    }
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    picker.close();
    const parsed = MessageText.safeParse(text());
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "This message cannot be sent.");
      return;
    }
    // Clear at once so typing can go on; put the text back if it was not stored.
    const draft = text();
    setText("");
    setError(null);
    try {
      await props.send(parsed.data);
    } catch (e) {
      if (text() === "") setText(draft);
      setError(errorMessage(e));
    }
    input?.focus();
  }

  return (
    <Switch fallback={<div class="composer" aria-busy="true" />}>
      <Match when={props.user}>
        <form ref={form} class="composer" onSubmit={submit} novalidate>
          <label for="messageInput" class="visually-hidden">
            Message #{props.room}
          </label>
          <MentionList picker={picker} />
          <textarea
            ref={input}
            id="messageInput"
            rows={1}
            autocomplete="off"
            enterkeyhint="send"
            placeholder={`Message #${props.room}`}
            maxlength={4000}
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value);
              setError(null);
              picker.update(e.currentTarget.value, e.currentTarget.selectionStart);
              props.onDraft?.(e.currentTarget.value);
            }}
            onKeyDown={onKeyDown}
            onClick={(e) => picker.update(e.currentTarget.value, e.currentTarget.selectionStart)}
            onBlur={() => picker.close()}
            aria-autocomplete="list"
            aria-controls={picker.open() ? MENTION_LIST_ID : undefined}
            aria-activedescendant={picker.open() ? mentionOptionId(picker.active()) : undefined}
            aria-invalid={error() !== null}
            aria-describedby="composer-error composer-hint"
          />
          <button id="sendBtn" type="submit">
            Send
          </button>
          <p id="composer-hint" class="visually-hidden">
            Enter sends, Shift+Enter starts a new line, @ mentions someone.
          </p>
          <p id="composer-error" class="error" role="alert">
            {error() ?? ""}
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
