import { useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { useApi } from "../lib/api.ts";
import { dmPath } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import { checkPeer, conversationError } from "../lib/new-conversation.ts";
import { useSession } from "../lib/session.ts";

/**
 * "New message": a direct conversation with anyone, by username. The name is
 * checked as the server would, then `dm.open` starts (or finds) the
 * conversation and its page opens; a refusal is said in words.
 */
export function NewMessageForm(props: { id: string }) {
  const session = useSession();
  const { client } = useApi();
  const navigate = useNavigate();
  const t = useT();
  const [open, setOpen] = createSignal(false);
  const [value, setValue] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let toggle: HTMLButtonElement | undefined;
  const inputId = `${props.id}-username`;
  const errorId = `${props.id}-error`;

  function close() {
    setOpen(false);
    setError(null);
    toggle?.focus();
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const check = checkPeer(t, value(), session.user()?.username);
    if (!check.ok) {
      setError(check.error);
      input?.focus();
      return;
    }
    setBusy(true);
    try {
      await client.dm.open.mutate({ username: check.username });
      setValue("");
      setOpen(false);
      navigate(dmPath(check.username));
    } catch (e) {
      setError(conversationError(t, e, check.username));
      input?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="new-message">
      <button
        ref={toggle}
        type="button"
        class="secondary"
        aria-expanded={open()}
        aria-controls={open() ? props.id : undefined}
        onClick={() => (open() ? close() : (setOpen(true), input?.focus()))}
      >
        {t("shell.newMessage")}
      </button>
      <Show when={open()}>
        <form
          id={props.id}
          class="new-message-form"
          onSubmit={submit}
          novalidate
          onKeyDown={(e) => e.key === "Escape" && (e.stopPropagation(), close())}
        >
          <label for={inputId}>{t("shell.newMessageTo")}</label>
          <div class="row">
            <input
              ref={(el) => {
                input = el;
                // Opened by the button: typing starts here.
                queueMicrotask(() => el.focus());
              }}
              id={inputId}
              type="text"
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              value={value()}
              onInput={(e) => (setValue(e.currentTarget.value), setError(null))}
              aria-describedby={errorId}
              aria-invalid={error() ? "true" : undefined}
            />
            <button type="submit" disabled={busy()}>
              {t("shell.newMessageStart")}
            </button>
          </div>
          <p id={errorId} class="error" role="alert">
            {error() ?? ""}
          </p>
        </form>
      </Show>
    </div>
  );
}
