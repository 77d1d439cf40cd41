import { Match, Switch } from "solid-js";
import { useT } from "../lib/locale.ts";
import type { Quote } from "../lib/reply-quote.ts";

/** The one-line quote above a reply; clicking it shows the message it answers. */
export function ReplyQuote(props: { quote: Quote; onShow: () => void }) {
  const t = useT();
  return (
    <button type="button" class="quote" title={t("timeline.showAnswered")} onClick={() => props.onShow()}>
      <span class="visually-hidden">{t("timeline.inReplyTo")} </span>
      <Switch>
        <Match when={props.quote.state === "shown" && props.quote}>
          {(q) => (
            <>
              <span class="quote-sender">{q().sender}</span> <span class="quote-text">{q().text}</span>
            </>
          )}
        </Match>
        <Match when={props.quote.state === "deleted"}>
          <span class="quote-text gone">{t("timeline.quoteDeleted")}</span>
        </Match>
        <Match when={props.quote.state === "missing"}>
          <span class="quote-text gone">{t("timeline.quoteMissing")}</span>
        </Match>
        <Match when={props.quote.state === "loading"}>
          <span class="quote-text gone">{t("timeline.quoteLoading")}</span>
        </Match>
      </Switch>
    </button>
  );
}
