import { useLocation, useNavigate } from "@solidjs/router";
import { createMemo, createResource, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { errorMessage, useApi } from "../lib/api.ts";
import { useDmNames } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import { useMyRooms } from "../lib/my-rooms.ts";
import { filterSwitcher, type SwitcherItem, switcherItems, switcherKey } from "../lib/quick-switcher.ts";
import { roomOfPath, roomPath } from "../lib/room-name.ts";
import { useSession } from "../lib/session.ts";

/**
 * The quick switcher (Ctrl+K / ⌘K): a modal dialog with a combobox over your
 * rooms, your direct conversations and people (the members of the room you are
 * in). Enter opens the choice; a person's conversation is opened (or started)
 * with `dm.open`. Esc closes it; the dialog gives the focus back where it was.
 */
export function QuickSwitcher(props: { onClose: () => void }) {
  const { client } = useApi();
  const session = useSession();
  const myRooms = useMyRooms();
  const names = useDmNames();
  const navigate = useNavigate();
  const location = useLocation();
  const t = useT();
  const here = roomOfPath(location.pathname);
  const [members] = createResource(
    () => here,
    (room) => client.room.members.query({ room }).catch(() => []),
  );
  const [query, setQuery] = createSignal("");
  const [active, setActive] = createSignal(0);
  const [error, setError] = createSignal<string | null>(null);
  const items = createMemo(() =>
    switcherItems(
      myRooms.rooms().map((r) => ({ room: r.room, label: names.label(r.room) })),
      (members() ?? []).map((m) => ({ username: m.username, label: m.displayName ?? m.username })),
      session.user()?.username,
    ),
  );
  const shown = createMemo(() => filterSwitcher(items(), query()));
  const optionId = (item: SwitcherItem) => `switch-${switcherKey(item).replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  let dialog: HTMLDialogElement | undefined;

  onMount(() => dialog?.showModal());
  // Closing is told once, and never by this dialog after it is gone: its close event comes a task after Esc or
  // close(), and by then a Ctrl+K may have opened the next switcher, which that late event must not close.
  let told = false;
  const close = () => {
    if (told) return;
    told = true;
    props.onClose();
  };
  onCleanup(() => {
    told = true;
  });

  async function choose(item: SwitcherItem | undefined) {
    if (!item) return;
    try {
      const room = item.kind === "room" ? item.room : (await client.dm.open.mutate({ username: item.username })).room;
      close();
      navigate(roomPath(room));
    } catch (e) {
      setError(errorMessage(e, t));
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    const count = shown().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (count > 0) setActive((i) => (i + (event.key === "ArrowDown" ? 1 : -1) + count) % count);
    } else if (event.key === "Enter") {
      event.preventDefault();
      void choose(shown()[active()]);
    }
  }

  return (
    // A click on the backdrop (outside the box) closes it, as Esc does (the dialog's own key: its cancel event comes at once).
    <dialog
      ref={dialog}
      id="quick-switcher"
      class="quick-switcher"
      aria-labelledby="quick-switcher-title"
      onCancel={close}
      onClose={close}
      onClick={(e) => e.target === dialog && close()}
    >
      <h2 id="quick-switcher-title">{t("shell.switcherTitle")}</h2>
      <input
        id="quick-switcher-input"
        type="text"
        role="combobox"
        aria-label={t("shell.switcherInput")}
        aria-expanded="true"
        aria-controls="quick-switcher-list"
        aria-autocomplete="list"
        aria-describedby="quick-switcher-hint"
        aria-activedescendant={shown()[active()] ? optionId(shown()[active()]!) : undefined}
        autocomplete="off"
        spellcheck={false}
        value={query()}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
          setError(null);
        }}
        onKeyDown={onKeyDown}
      />
      <p id="quick-switcher-hint" class="hint">
        {t("shell.switcherHint")}
      </p>
      <div id="quick-switcher-list" role="listbox" aria-label={t("shell.switcherTitle")}>
        <For each={shown()}>
          {(item, i) => (
            // Chosen with the mouse too; the keyboard stays in the combobox (aria-activedescendant), so options take no focus.
            <div
              id={optionId(item)}
              role="option"
              aria-selected={i() === active()}
              onClick={() => void choose(item)}
              onMouseMove={() => setActive(i())}
            >
              <span class="switch-label">{item.label}</span>
              <Show when={item.kind === "person" && item}>
                {(p) => (
                  <span class="hint">
                    {" "}
                    @{p().username} · {t("shell.switcherPerson")}
                  </span>
                )}
              </Show>
            </div>
          )}
        </For>
      </div>
      <Show when={shown().length === 0}>
        <p class="hint">{t("shell.switcherNone")}</p>
      </Show>
      <Show when={error()}>
        {(e) => (
          <p class="error" role="alert">
            {e()}
          </p>
        )}
      </Show>
    </dialog>
  );
}
