import { A } from "@solidjs/router";
import { createSignal, Match, Switch } from "solid-js";
import { MessageText } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import type { SessionUser } from "../lib/session.ts";

export interface ComposerProps {
  room: string;
  /** The signed-in user; null for a guest, undefined while unknown. */
  user: SessionUser | null | undefined;
  send: (text: string) => Promise<unknown>;
  /** Called with the draft on each edit (the room signals typing from it). */
  onDraft?: (text: string) => void;
  loginHref: string;
}

/** The message box for a signed-in user; an offer to sign in for a guest. */
export function Composer(props: ComposerProps) {
  const [text, setText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  let input: HTMLInputElement | undefined;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
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
        <form class="composer" onSubmit={submit} novalidate>
          <label for="messageInput" class="visually-hidden">
            Message #{props.room}
          </label>
          <input
            ref={input}
            id="messageInput"
            type="text"
            autocomplete="off"
            enterkeyhint="send"
            placeholder={`Message #${props.room}`}
            maxlength={4000}
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value);
              setError(null);
              props.onDraft?.(e.currentTarget.value);
            }}
            aria-invalid={error() !== null}
            aria-describedby="composer-error"
          />
          <button id="sendBtn" type="submit">
            Send
          </button>
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
