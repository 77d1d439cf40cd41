import { Match, Switch } from "solid-js";
import type { Quote } from "../lib/reply-quote.ts";

/** The one-line quote above a reply; clicking it shows the message it answers. */
export function ReplyQuote(props: { quote: Quote; onShow: () => void }) {
  return (
    <button type="button" class="quote" title="Show the message this answers" onClick={() => props.onShow()}>
      <span class="visually-hidden">In reply to </span>
      <Switch>
        <Match when={props.quote.state === "shown" && props.quote}>
          {(q) => (
            <>
              <span class="quote-sender">{q().sender}</span> <span class="quote-text">{q().text}</span>
            </>
          )}
        </Match>
        <Match when={props.quote.state === "deleted"}>
          <span class="quote-text gone">deleted message</span>
        </Match>
        <Match when={props.quote.state === "missing"}>
          <span class="quote-text gone">a message that cannot be shown</span>
        </Match>
        <Match when={props.quote.state === "loading"}>
          <span class="quote-text gone">an earlier message</span>
        </Match>
      </Switch>
    </button>
  );
}
