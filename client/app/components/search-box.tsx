import { A } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { formatFullTime, formatMessageTime } from "../lib/format-time.ts";
import { createSearch, highlightSegments, messageHref } from "../lib/search.ts";
import type { ParlorClient } from "../../parlor-client.ts";
import "./search-box.css";

/**
 * A search form and its results. Each result links to its message in its
 * room; the matched words are <mark>ed, every part a text node (never markup).
 */
export function SearchBox(props: { client: ParlorClient; room?: string; label: string; onPick?: () => void }) {
  const search = createSearch({ client: props.client, room: props.room });
  const [query, setQuery] = createSignal("");
  const id = props.room ? "room-search" : "all-search";

  return (
    <div class="search-box" role="search">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search.search(query());
        }}
      >
        <label class="visually-hidden" for={`${id}-input`}>
          {props.label}
        </label>
        <input
          id={`${id}-input`}
          type="search"
          placeholder={props.label}
          autocomplete="off"
          maxlength={200}
          value={query()}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            if (!e.currentTarget.value) search.clear();
          }}
        />
        <button type="submit">Search</button>
      </form>
      <Show when={search.error()}>{(error) => <p class="error" role="alert">{error()}</p>}</Show>
      <Show when={search.searched() !== null || search.loading()}>
        <div id={`${id}-results`} class="search-results" aria-live="polite">
          <Show when={search.searched() !== null && search.results().length === 0 && !search.loading()}>
            <p class="hint">Nothing found for “{search.searched()}”.</p>
          </Show>
          <ol>
            <For each={search.results()}>
              {(hit) => (
                <li class="search-hit">
                  <A href={messageHref(hit)} onClick={() => props.onPick?.()}>
                    <span class="search-meta">
                      <Show when={!props.room}>
                        <span class="search-room">#{hit.room}</span>{" "}
                      </Show>
                      <span class="sender">{hit.sender}</span>{" "}
                      <time datetime={hit.timestamp} title={formatFullTime(hit.timestamp)}>
                        {formatMessageTime(hit.timestamp)}
                      </time>
                    </span>
                    <span class="search-text">
                      <For each={highlightSegments(hit.text, hit.highlights)}>{(part) => (part.marked ? <mark>{part.text}</mark> : part.text)}</For>
                    </span>
                  </A>
                </li>
              )}
            </For>
          </ol>
          <Show when={search.loading()}>
            <p class="hint">Searching…</p>
          </Show>
          <Show when={search.hasMore() && !search.loading()}>
            <button type="button" class="link-button" onClick={() => void search.more()}>
              Older results
            </button>
          </Show>
        </div>
      </Show>
    </div>
  );
}
