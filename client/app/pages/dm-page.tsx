import { A, useParams } from "@solidjs/router";
import { createResource, Match, Show, Switch } from "solid-js";
import { Rich } from "../components/rich.tsx";
import { useApi } from "../lib/api.ts";
import { dmPath } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import { checkPeer, conversationError } from "../lib/new-conversation.ts";
import { roomFromPath } from "../lib/room-name.ts";
import { useSession } from "../lib/session.ts";
import { RejoinableRoom } from "./room-page.tsx";

/**
 * `/dm/<username>/`: the direct conversation with that person, opened — or
 * started — with `dm.open`, then shown as any room is (under its peer's name).
 */
export function DmPage() {
  const params = useParams<{ username: string }>();
  return (
    <Show when={roomFromPath(params.username)} keyed>
      {(username) => <DmConversation username={username} />}
    </Show>
  );
}

function DmConversation(props: { username: string }) {
  const session = useSession();
  const { client } = useApi();
  const t = useT();
  const check = () => checkPeer(t, props.username, session.user()?.username);
  const [room] = createResource(
    () => {
      const c = check();
      return !!session.user() && c.ok && c.username;
    },
    async (username) => {
      try {
        return { room: (await client.dm.open.mutate({ username })).room, error: null };
      } catch (error) {
        return { room: null, error: conversationError(t, error, username) };
      }
    },
  );
  const failure = () => {
    const c = check();
    return c.ok ? (room()?.error ?? null) : c.error;
  };
  return (
    <Switch fallback={<p class="hint page">{t("roomPage.dmOpening")}</p>}>
      <Match when={session.user() === null}>
        <section class="page narrow">
          <p>
            <Rich
              text={t("roomPage.dmSignIn", { user: props.username })}
              slots={{
                signIn: (words) => <A href={`/login?next=${encodeURIComponent(dmPath(props.username))}`}>{words}</A>,
              }}
            />
          </p>
        </section>
      </Match>
      <Match when={failure()}>
        {(error) => (
          <section class="page narrow">
            <h1>{check().ok ? t("roomPage.dmCannotOpen") : t("roomPage.dmNotAName")}</h1>
            <p class="error">{error()}</p>
            <p>
              <A href="/">{t("roomPage.chooseAnother")}</A>
            </p>
          </section>
        )}
      </Match>
      <Match when={room()?.room}>
        {(name) => (
          <Show when={name()} keyed>
            {(n) => <RejoinableRoom name={n} />}
          </Show>
        )}
      </Match>
    </Switch>
  );
}
