import { createSignal, Show } from "solid-js";
import { type Concern, concernText } from "../lib/concerns-me.ts";
import { formatClockTime, formatFullTime, formatMessageTime } from "../lib/format-time.ts";
import { useT } from "../lib/locale.ts";
import { isLongMessage } from "../lib/long-message.ts";
import type { Message } from "../lib/message-log.ts";
import { usePeople } from "../lib/people.ts";
import { reactionChips } from "../lib/reactions.ts";
import type { Quote } from "../lib/reply-quote.ts";
import { useReaderLocale, useTimelineStrings } from "../lib/timeline-strings.ts";
import { AttachmentList } from "./attachment-list.tsx";
import { MessageActions } from "./message-actions.tsx";
import { SenderAvatar, SenderName } from "./message-sender.tsx";
import { MessageText } from "./message-text.tsx";
import { ReactionChips } from "./reaction-chips.tsx";
import { ReplyQuote } from "./reply-quote.tsx";

export interface MessageItemProps {
  message: Message;
  /** The signed-in user's name; null for a guest (who sees no actions). */
  self: string | null | undefined;
  /** The viewer owns or moderates the room: anyone's message can be deleted. */
  moderator?: boolean;
  /** What the message answers, when it is a reply. */
  quote: Quote | null;
  /** Shown briefly after the reader jumped here from a quote. */
  highlighted: boolean;
  /** Being edited in the composer. */
  editing: boolean;
  /** Why the last action on this message failed; "" when nothing did. */
  error: string;
  /** It continues its sender's group (message-groups.ts): a line under the one above, its time shown on hover or focus. */
  continued?: boolean;
  /** Why it concerns the reader (concerns-me.ts): it names them, answers them, or is a direct message to them. */
  concern?: Concern;
  onShowQuoted: (seq: number) => void;
  onReply: (message: Message) => void;
  onEdit: (message: Message) => void;
  onDelete: (message: Message) => void;
  onReact: (message: Message, emoji: string, add: boolean) => void;
}

/**
 * One message in its current state, as a line of the compact timeline: the
 * sender's face in the gutter and their name and time above the text when it
 * starts a group; a continuation line shows only its text, its time appearing
 * in the gutter on hover or focus. Its text is Markdown rendered to DOM nodes
 * (MessageText): raw HTML in it is shown, never interpreted. A long text starts
 * collapsed behind "Show more". It takes focus (Tab, a tap, a long press),
 * which shows its actions.
 */
export function MessageItem(props: MessageItemProps) {
  let article: HTMLElement | undefined;
  let lastPointer = "";
  const m = () => props.message;
  const own = () => props.self != null && props.self === m().sender;
  const canAct = () => props.self != null && !m().deleted;
  const long = () => !m().deleted && isLongMessage(m().text);
  const [expanded, setExpanded] = createSignal(false);
  const textId = () => `m${m().seq}-text`;
  const people = usePeople();
  const t = useTimelineStrings();
  const tr = useT();
  const locale = useReaderLocale();
  /** Said after the sender's name; a direct message is to the reader anyway, so only a mention or a reply is said. */
  const concernHint = () =>
    props.concern === "mention" || props.concern === "reply" ? concernText[props.concern] : null;

  return (
    <article
      ref={article}
      class="message"
      classList={{
        own: own(),
        deleted: m().deleted,
        highlighted: props.highlighted,
        editing: props.editing,
        continued: props.continued === true,
        "mentions-me": concernHint() !== null,
      }}
      data-seq={m().seq}
      data-mentions-me={props.concern ?? undefined}
      tabindex="0"
      aria-label={[people.name(m().sender), concernHint(), formatMessageTime(m().timestamp, undefined, locale())]
        .filter(Boolean)
        .join(", ")}
      onPointerDown={(e) => (lastPointer = e.pointerType)}
      onContextMenu={(e) => {
        // A long press on a touch screen shows the actions, as hovering does with a mouse.
        if (lastPointer !== "touch" || !canAct()) return;
        e.preventDefault();
        article?.focus();
      }}
    >
      <div class="message-gutter">
        <Show when={props.continued} fallback={<SenderAvatar sender={m().sender} />}>
          {/* The header's time says it to screen readers; this one is for the eye, on hover or focus. */}
          <time class="line-time" datetime={m().timestamp} aria-hidden="true">
            {formatClockTime(m().timestamp, locale())}
          </time>
        </Show>
      </div>
      <div class="message-body">
        <header class="message-meta">
          <SenderName sender={m().sender} />
          <Show when={concernHint()}>{(hint) => <span class="visually-hidden">, {hint()}</span>}</Show>
          <time datetime={m().timestamp} title={formatFullTime(m().timestamp, locale())}>
            {formatMessageTime(m().timestamp, undefined, locale())}
          </time>
        </header>
        <Show when={m().replyTo !== null && props.quote}>
          {(quote) => <ReplyQuote quote={quote()} onShow={() => props.onShowQuoted(m().replyTo!)} />}
        </Show>
        <Show when={!m().deleted} fallback={<p class="text deleted-text">{t.deleted}</p>}>
          <div class="message-line">
            <Show when={m().text !== ""}>
              <div class="text" id={textId()} classList={{ collapsed: long() && !expanded() }}>
                <MessageText text={m().text} />
              </div>
            </Show>
            <Show when={m().editedAt}>
              <span class="edited" title={t.editedAt(formatFullTime(m().editedAt!, locale()))}>
                {t.edited}
              </span>
            </Show>
          </div>
          <Show when={long()}>
            <button
              type="button"
              class="link-button show-more"
              aria-expanded={expanded()}
              aria-controls={textId()}
              onClick={() => setExpanded(!expanded())}
            >
              {expanded() ? t.showLess : t.showMore}
            </button>
          </Show>
          <Show when={m().attachments.length > 0}>
            <AttachmentList attachments={m().attachments} />
          </Show>
        </Show>
        <ReactionChips
          chips={reactionChips(tr, m().reactions, props.self)}
          canReact={canAct()}
          onToggle={(emoji, add) => props.onReact(m(), emoji, add)}
        />
        <Show when={canAct()}>
          <MessageActions
            seq={m().seq}
            own={own()}
            canDelete={props.moderator === true}
            onReply={() => props.onReply(m())}
            onReact={(emoji) => props.onReact(m(), emoji, true)}
            onEdit={() => props.onEdit(m())}
            onDelete={() => props.onDelete(m())}
          />
        </Show>
        <Show when={props.error}>
          <p class="error message-error" role="alert">
            {props.error}
          </p>
        </Show>
      </div>
    </article>
  );
}
