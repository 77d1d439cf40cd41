import { A, useNavigate } from "@solidjs/router";
import { createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import { useApi } from "../lib/api.ts";
import { checkRoomName, roomPath } from "../lib/room-name.ts";
import { formatMessageTime } from "../lib/format-time.ts";
import { hereNowLabel } from "../lib/presence.ts";
import { useMyRooms } from "../lib/my-rooms.ts";
import { useSession } from "../lib/session.ts";
import { createUnreadTitle } from "../lib/unread-title.ts";
import { MyRoomsSection } from "../components/my-rooms-list.tsx";
import { NewRoomForm } from "../components/new-room-form.tsx";
import { SearchBox } from "../components/search-box.tsx";

export function IndexPage() {
  const { client } = useApi();
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [rooms] = createResource(() => client.room.active.query({ limit: 20 }));
  const session = useSession();
  const myRooms = useMyRooms();
  createUnreadTitle("Parlor", () => myRooms.totals()?.unread ?? null);

  function join(event: SubmitEvent) {
    event.preventDefault();
    const checked = checkRoomName(name());
    if (!checked.ok) {
      setError(checked.error);
      return;
    }
    navigate(roomPath(checked.name));
  }

  return (
    <section class="page narrow">
      <form class="join" onSubmit={join} novalidate>
        <h1>
          <label for="room-name-input">Which room would you like to join?</label>
        </h1>
        <div class="row">
          <input
            id="room-name-input"
            name="room"
            type="text"
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            placeholder="lobby"
            autofocus
            value={name()}
            onInput={(e) => {
              setName(e.currentTarget.value);
              setError(null);
            }}
            aria-invalid={error() !== null}
            aria-describedby="room-name-help room-name-error"
          />
          <button id="room-name-submit" type="submit">
            Join
          </button>
        </div>
        <p id="room-name-help" class="hint">
          Letters, digits, “-”, “_” and “.”, up to 64 characters.
        </p>
        <p id="room-name-error" class="error" role="alert">
          {error() ?? ""}
        </p>
      </form>

      <Show when={session.user()}>
        <MyRoomsSection id="your-rooms" class="your-rooms" />
      </Show>

      <NewRoomForm />

      <section class="active-rooms" aria-labelledby="active-rooms-heading">
        <h2 id="active-rooms-heading">Recently active rooms</h2>
        <Switch>
          <Match when={rooms.error}>
            <p class="hint">The list of rooms could not be loaded.</p>
          </Match>
          <Match when={rooms.loading}>
            <p class="hint">Loading…</p>
          </Match>
          <Match when={rooms()?.length === 0}>
            <p class="hint">No rooms yet: name one above to start it.</p>
          </Match>
          <Match when={rooms()}>
            {(list) => (
              <ul class="room-list">
                <For each={list()}>
                  {(room) => (
                    <li>
                      <A href={roomPath(room.name)}>#{room.name}</A>
                      <Show when={room.present > 0}>
                        {" "}
                        <span class="present-count">{hereNowLabel(room.present)}</span>
                      </Show>
                      <span class="hint">
                        {" "}
                        {room.messages} {room.messages === 1 ? "message" : "messages"}, last at{" "}
                        <time datetime={room.lastMessageAt}>{formatMessageTime(room.lastMessageAt)}</time>
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Match>
        </Switch>
      </section>

      <section class="search-all" aria-labelledby="search-all-heading">
        <h2 id="search-all-heading">Search messages</h2>
        <SearchBox client={client} label="Search public rooms and yours" />
      </section>
    </section>
  );
}
