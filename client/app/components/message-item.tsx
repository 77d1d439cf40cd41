import type { Message } from "../lib/message-log.ts";
import { formatFullTime, formatMessageTime } from "../lib/format-time.ts";
import { MessageText } from "./message-text.tsx";

/**
 * One message. Its text is text nodes and links (MessageText): markup in it is
 * shown, never interpreted. A message that continues its sender's group keeps
 * its sender and time for screen readers and shows them only on hover.
 */
export function MessageItem(props: { message: Message; own: boolean; continued?: boolean }) {
  return (
    <article class="message" classList={{ own: props.own, continued: props.continued === true }} data-seq={props.message.seq}>
      <header class="message-meta">
        <span class="sender">{props.message.sender}</span>
        <time datetime={props.message.timestamp} title={formatFullTime(props.message.timestamp)}>
          {formatMessageTime(props.message.timestamp)}
        </time>
      </header>
      <p class="text">
        <MessageText text={props.message.text} />
      </p>
    </article>
  );
}
