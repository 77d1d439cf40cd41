import { A, useParams } from "@solidjs/router";
import { createResource, Match, Show, Switch } from "solid-js";
import { useApi } from "../lib/api.ts";
import { dmPath } from "../lib/dm-names.ts";
import { checkPeer, conversationError } from "../lib/new-conversation.ts";
import { roomFromPath } from "../lib/room-name.ts";
import { useSession } from "../lib/session.ts";
import { RejoinableRoom } from "./room-page.tsx";

const text = {
  opening: "Opening the conversation…",
  notAName: "This is not a username",
  cannotOpen: "This conversation cannot be opened",
  signIn: "Sign in",
  signInTo: (username: string) => ` to message ${username}.`,
  back: "Choose another room",
};

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
  const check = () => checkPeer(props.username, session.user()?.username);
  const [room] = createResource(
    () => {
      const c = check();
      return !!session.user() && c.ok && c.username;
    },
    async (username) => {
      try {
        return { room: (await client.dm.open.mutate({ username })).room, error: null };
      } catch (error) {
        return { room: null, error: conversationError(error, username) };
      }
    },
  );
  const failure = () => {
    const c = check();
    return c.ok ? (room()?.error ?? null) : c.error;
  };
  return (
    <Switch fallback={<p class="hint page">{text.opening}</p>}>
      <Match when={session.user() === null}>
        <section class="page narrow">
          <p>
            <A href={`/login?next=${encodeURIComponent(dmPath(props.username))}`}>{text.signIn}</A>
            {text.signInTo(props.username)}
          </p>
        </section>
      </Match>
      <Match when={failure()}>
        {(error) => (
          <section class="page narrow">
            <h1>{check().ok ? text.cannotOpen : text.notAName}</h1>
            <p class="error">{error()}</p>
            <p>
              <A href="/">{text.back}</A>
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
