import type { ParlorClient } from "@parlor/client";
import { A } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { createDisclosure } from "../lib/disclosure.ts";
import { useDmNames } from "../lib/dm-names.ts";
import { formatFullTime, formatMessageTime } from "../lib/format-time.ts";
import { useLocale } from "../lib/locale.ts";
import { createSearch, highlightSegments, messageHref } from "../lib/search.ts";
import { BackIcon, SearchIcon } from "./icons.tsx";
import "./search-box.css";

/**
 * The header's search over every room the user may read, and its results in a
 * panel below. Each result links to its message in its room; the matched words
 * are <mark>ed, every part a text node (never markup). Following a result closes
 * the panel; so do Esc and its Close button, giving the focus back to the box.
 * On phones (search-box.css) the field is behind a magnifier button and opens
 * over the header; its back arrow, or Esc once the results are closed, folds it.
 */
export function SearchBox(props: { client: ParlorClient; label: string }) {
  const { t, locale } = useLocale();
  const search = createSearch({ client: props.client, t });
  const names = useDmNames();
  const field = createDisclosure();
  const [query, setQuery] = createSignal("");
  const [open, setOpen] = createSignal(false);
  let input: HTMLInputElement | undefined;

  function close(refocus: boolean) {
    setOpen(false);
    if (refocus) input?.focus();
  }

  return (
    <div
      ref={(el) => field.setRoot(el, { esc: false })}
      class="search-box"
      classList={{ expanded: field.open() }}
      role="search"
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        // Esc closes the results first (and keeps the words typed), then the phone's field; the page's own Esc is not disturbed.
        if (!open()) return field.onKeyDown(e);
        e.preventDefault();
        e.stopPropagation();
        close(true);
      }}
    >
      <button
        ref={field.setButton}
        type="button"
        class="secondary header-icon-button search-toggle"
        aria-expanded={field.open()}
        aria-controls="all-search-form"
        onClick={() => {
          field.show();
          input?.focus();
        }}
      >
        <SearchIcon />
        <span class="visually-hidden">{props.label}</span>
      </button>
      <form
        id="all-search-form"
        onSubmit={(e) => {
          e.preventDefault();
          setOpen(true);
          void search.search(query());
        }}
      >
        <button type="button" class="secondary header-icon-button search-back" onClick={() => field.close(true)}>
          <BackIcon />
          <span class="visually-hidden">{t("shell.searchFieldClose")}</span>
        </button>
        <label class="visually-hidden" for="all-search-input">
          {props.label}
        </label>
        <input
          ref={input}
          id="all-search-input"
          type="search"
          placeholder={t("shell.searchPlaceholder")}
          autocomplete="off"
          maxlength={200}
          value={query()}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            if (!e.currentTarget.value) {
              search.clear();
              setOpen(false);
            }
          }}
        />
        <button type="submit" class="search-submit">
          <SearchIcon />
          <span class="search-submit-text">{t("shell.searchSubmit")}</span>
        </button>
      </form>
      <Show when={open() && (search.searched() !== null || search.loading() || search.error())}>
        <section id="all-search-results" class="search-results" aria-label={t("shell.searchResults")}>
          <button type="button" class="link-button search-close" onClick={() => close(true)}>
            {t("shell.searchClose")}
          </button>
          <Show when={search.error()}>
            {(error) => (
              <p class="error" role="alert">
                {error()}
              </p>
            )}
          </Show>
          <div aria-live="polite">
            <Show when={search.searched() !== null && search.results().length === 0 && !search.loading()}>
              <p class="hint">{t("shell.searchNothing", { query: search.searched()! })}</p>
            </Show>
          </div>
          <ol>
            <For each={search.results()}>
              {(hit) => (
                <li class="search-hit">
                  <A
                    href={messageHref(hit)}
                    onClick={() => {
                      close(false);
                      field.close();
                    }}
                  >
                    <span class="search-meta">
                      <span class="search-room">{names.label(hit.room)}</span> <span class="sender">{hit.sender}</span>{" "}
                      <time datetime={hit.timestamp} title={formatFullTime(hit.timestamp, locale())}>
                        {formatMessageTime(hit.timestamp, new Date(), locale())}
                      </time>
                    </span>
                    <span class="search-text">
                      <For each={highlightSegments(hit.text, hit.highlights)}>
                        {(part) => (part.marked ? <mark>{part.text}</mark> : part.text)}
                      </For>
                    </span>
                  </A>
                </li>
              )}
            </For>
          </ol>
          <Show when={search.loading()}>
            <p class="hint">{t("shell.searching")}</p>
          </Show>
          <Show when={search.hasMore() && !search.loading()}>
            <button type="button" class="link-button" onClick={() => void search.more()}>
              {t("shell.searchOlder")}
            </button>
          </Show>
        </section>
      </Show>
    </div>
  );
}
