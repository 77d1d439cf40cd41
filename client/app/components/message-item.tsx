import type { Message } from "../lib/message-log.ts";
import { formatFullTime, formatMessageTime } from "../lib/format-time.ts";

/** One message. Its text is a text node: markup in it is shown, never interpreted. */
export function MessageItem(props: { message: Message; own: boolean }) {
  return (
    <article class="message" classList={{ own: props.own }} data-seq={props.message.seq}>
      <header class="message-meta">
        <span class="sender">{props.message.sender}</span>
        <time datetime={props.message.timestamp} title={formatFullTime(props.message.timestamp)}>
          {formatMessageTime(props.message.timestamp)}
        </time>
      </header>
      <p class="text">{props.message.text}</p>
    </article>
  );
}
