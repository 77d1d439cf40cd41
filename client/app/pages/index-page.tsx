import { A, useNavigate } from "@solidjs/router";
import { createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import { MyRoomsSection } from "../components/my-rooms-list.tsx";
import { NewRoomForm } from "../components/new-room-form.tsx";
import { Rich } from "../components/rich.tsx";
import { useApi } from "../lib/api.ts";
import { formatMessageTime } from "../lib/format-time.ts";
import { useLocale } from "../lib/locale.ts";
import { useMyRooms } from "../lib/my-rooms.ts";
import { checkRoomName, roomPath } from "../lib/room-name.ts";
import { useSession } from "../lib/session.ts";
import { createUnreadTitle } from "../lib/unread-title.ts";

export function IndexPage() {
  const { client } = useApi();
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [rooms] = createResource(() => client.room.active.query({ limit: 20 }));
  const session = useSession();
  const myRooms = useMyRooms();
  const { t, locale } = useLocale();
  createUnreadTitle(t("common.appName"), () => myRooms.totals()?.unread ?? null);

  function join(event: SubmitEvent) {
    event.preventDefault();
    const checked = checkRoomName(t, name());
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
          <label for="room-name-input">{t("home.joinHeading")}</label>
        </h1>
        <div class="row">
          <input
            id="room-name-input"
            name="room"
            type="text"
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            placeholder={t("home.joinPlaceholder")}
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
            {t("home.join")}
          </button>
        </div>
        <p id="room-name-help" class="hint">
          {t("home.joinHelp")}
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
        <h2 id="active-rooms-heading">{t("home.activeHeading")}</h2>
        <Switch>
          <Match when={rooms.error}>
            <p class="hint">{t("home.activeFailed")}</p>
          </Match>
          <Match when={rooms.loading}>
            <p class="hint">{t("common.loading")}</p>
          </Match>
          <Match when={rooms()?.length === 0}>
            <p class="hint">{t("home.noRooms")}</p>
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
                        <span class="present-count">{t("home.hereNow", { count: room.present })}</span>
                      </Show>
                      <span class="hint">
                        {" "}
                        <Rich
                          text={t("home.messagesLastAt", { count: room.messages })}
                          slots={{
                            time: () => (
                              <time datetime={room.lastMessageAt}>
                                {formatMessageTime(room.lastMessageAt, new Date(), locale())}
                              </time>
                            ),
                          }}
                        />
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Match>
        </Switch>
      </section>
    </section>
  );
}
