import { For, Show } from "solid-js";
import { formatFileSize } from "../lib/file-size.ts";
import { formatFullTime } from "../lib/format-time.ts";
import { useT } from "../lib/locale.ts";
import type { OutboxEntry } from "../lib/outbox.ts";
import { useReaderLocale } from "../lib/timeline-strings.ts";
import { MessageText } from "./message-text.tsx";

/**
 * A message of one's own that the server has not stored: "sending…" while it
 * waits for the connection, "not sent" with the server's reason and a choice
 * to retry or discard once refused.
 */
export function OutboxItem(props: { entry: OutboxEntry; sender: string; onRetry: () => void; onDiscard: () => void }) {
  const t = useT();
  const locale = useReaderLocale();
  const failed = () => props.entry.state === "failed";
  return (
    <article
      class="outbox-message"
      classList={{ failed: failed() }}
      data-client-id={props.entry.clientId}
      aria-busy={!failed()}
    >
      <header class="message-meta">
        <span class="sender">{props.sender}</span>
        <span
          class="outbox-state"
          title={t("outbox.typedAt", { when: formatFullTime(props.entry.createdAt, locale()) })}
        >
          {failed() ? t("outbox.notSent") : t("outbox.sending")}
        </span>
      </header>
      <Show when={props.entry.text !== ""}>
        <div class="text">
          <MessageText text={props.entry.text} />
        </div>
      </Show>
      <Show when={props.entry.files?.length}>
        <ul class="outbox-files" aria-label={t("outbox.files")}>
          <For each={props.entry.files}>
            {(file) => (
              <li>
                {file.name} <span class="attachment-size">{formatFileSize(file.size)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={failed()}>
        <p class="outbox-refusal" role="alert">
          <span class="reason">{props.entry.reason}</span>{" "}
          <button type="button" class="link-button" onClick={() => props.onRetry()}>
            {t("outbox.retry")}
          </button>{" "}
          <button type="button" class="link-button" onClick={() => props.onDiscard()}>
            {t("outbox.discard")}
          </button>
        </p>
      </Show>
    </article>
  );
}
