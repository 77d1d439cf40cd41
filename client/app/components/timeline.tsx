import { createMemo, For, onCleanup, onMount, Show } from "solid-js";
import { describeMemberEntry } from "../../../shared/member-entry-text.ts";
import { concernOf } from "../lib/concerns-me.ts";
import { attachFeedFocus } from "../lib/feed-focus.ts";
import type { TimelinePlace } from "../lib/message-groups.ts";
import { findMessage, type Message } from "../lib/message-log.ts";
import { quoteOf } from "../lib/reply-quote.ts";
import { isManagerRole } from "../lib/room-roles.ts";
import type { RoomView } from "../lib/room-view.ts";
import { isNotice, mergeTimeline, placesBySeq } from "../lib/timeline.ts";
import { useReaderLocale, useTimelineStrings } from "../lib/timeline-strings.ts";
import { DayDivider } from "./day-divider.tsx";
import { HistoryEdge, TimelineStatus } from "./history-edge.tsx";
import { MessageItem } from "./message-item.tsx";
import { OutboxItem } from "./outbox-item.tsx";

/**
 * The room's messages (`#messages`): a WAI-ARIA feed, one Tab stop (feed-focus.ts: ↑ ↓ between messages, Enter opens one's actions), the history
 * edge at the top, then messages and membership notices in log order — keyed
 * by seq, so a message changed in place keeps its element (and the focus, and
 * its open menus) — each day under its divider (laid out over messages and
 * notices together: timeline.ts), with the "New messages" divider above the
 * first unread one, then this user's unsent messages; the "n new messages ↓"
 * button below.
 */
export function Timeline(props: { view: RoomView }) {
  const t = useTimelineStrings();
  const locale = useReaderLocale();
  const v = props.view;
  const items = createMemo(() => mergeTimeline(v.room.messages(), v.notices(), v.room.reachedBeginning()));
  const itemAt = createMemo(() => new Map(items().map((item) => [item.seq, item])));
  const dividerSeq = createMemo(v.arrival.dividerSeq);
  /** Day dividers and sender groups of what is shown, by seq. */
  const places = createMemo(() => placesBySeq(items(), { locale: locale() }));
  return (
    <div class="messages-frame">
      {/* Above the feed, not in it: a feed owns articles only, and these speak of the whole timeline. */}
      <TimelineStatus room={v.room} savedAt={v.saved.savedAt()} />
      <div
        id="messages"
        ref={(el) => {
          v.list.attach(el);
          onMount(() => onCleanup(attachFeedFocus(el, { complete: v.room.reachedBeginning })));
        }}
        onScroll={v.list.onScroll}
        role="region"
        aria-busy={!v.room.log().loaded}
        aria-label={t.messagesIn(v.label())}
      >
        <HistoryEdge
          room={v.room}
          label={v.label()}
          hidden={v.saved.savedAt() !== null || !!v.room.firstPageError()}
          loadOlder={() => void v.list.loadOlder()}
        />
        <For each={items().map((item) => item.seq)}>
          {(seq) => (
            <>
              <Show when={dividerSeq() === seq}>
                {/* Plain text between the feed's articles: a feed owns articles only (no separator role). */}
                <div id="unread-divider" class="unread-divider">
                  <span>{t.newMessages}</span>
                </div>
              </Show>
              <Show when={places().get(seq)?.dayDivider}>
                {(day) => <DayDivider label={day()} day={places().get(seq)!.day!} />}
              </Show>
              <Show when={itemAt().get(seq)} keyed>
                {(item) =>
                  isNotice(item) ? (
                    <p class="member-notice" data-notice-seq={seq}>
                      {describeMemberEntry(item)}
                    </p>
                  ) : (
                    <Show when={findMessage(v.room.log(), seq)}>
                      {(message) => <TimelineMessage view={v} message={message()} place={places().get(seq)} />}
                    </Show>
                  )
                }
              </Show>
            </>
          )}
        </For>
        <For each={v.outbox()?.entries() ?? []}>
          {(entry) => (
            <OutboxItem
              entry={entry}
              sender={v.self() ?? ""}
              onRetry={() => v.outbox()?.retry(entry.clientId)}
              onDiscard={() => v.outbox()?.discard(entry.clientId)}
            />
          )}
        </For>
      </div>
      <Show when={v.list.follower.unseen() > 0}>
        <button type="button" class="new-messages" onClick={() => v.list.follower.scrollToBottom()}>
          {t.newMessagesButton(v.list.follower.unseen())}
        </button>
      </Show>
    </div>
  );
}

/** One message of the timeline. */
function TimelineMessage(props: { view: RoomView; message: Message; place: TimelinePlace | undefined }) {
  const v = props.view;
  const seq = () => props.message.seq;
  const place = () => props.place;
  const actions = v.actions;
  return (
    <MessageItem
      message={props.message}
      self={v.removal() ? null : (v.self() ?? null)}
      moderator={isManagerRole(v.members.info.latest?.role)}
      quote={props.message.replyTo === null ? null : quoteOf(v.room.quoted(props.message.replyTo))}
      highlighted={actions.highlighted() === seq()}
      editing={actions.editing() === seq()}
      error={actions.errorFor(seq())}
      onShowQuoted={(target) => void actions.showQuoted(seq(), target)}
      onReply={actions.reply}
      onEdit={actions.edit}
      onDelete={(m) => void actions.remove(m)}
      onReact={(m, emoji, add) => void actions.react(m, emoji, add)}
      continued={place()?.startsGroup === false}
      concern={concernOf(
        props.message,
        v.self(),
        props.message.replyTo === null ? null : v.room.quoted(props.message.replyTo)?.sender,
      )}
    />
  );
}
