import { Navigate, Route, Router, useLocation, useParams, type RouteSectionProps } from "@solidjs/router";
import { onCleanup, Show } from "solid-js";
import { ApiContext, type BrowserApi, dropConnection } from "./lib/api.ts";
import { createHistoryCache } from "./lib/history-cache.ts";
import { browserStorage } from "./lib/known-user.ts";
import { createHeldFiles } from "./lib/held-files.ts";
import { forgetOfflineCopies } from "./lib/offline-copies.ts";
import { outboxKey } from "./lib/outbox.ts";
import { createDmNames, DmNamesContext } from "./lib/dm-names.ts";
import { createMyRooms, MyRoomsContext } from "./lib/my-rooms.ts";
import { createSession, SessionContext } from "./lib/session.ts";
import { roomPath } from "./lib/room-name.ts";
import { MentionNotifications } from "./components/mention-notifications.tsx";
import { MyRoomsSection } from "./components/my-rooms-list.tsx";
import { SiteHeader } from "./components/site-header.tsx";
import { IndexPage } from "./pages/index-page.tsx";
import { AccountPage } from "./pages/account-page.tsx";
import { LoginPage } from "./pages/login-page.tsx";
import { RoomPage } from "./pages/room-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";
import { useSession } from "./lib/session.ts";
import { createLocale, LocaleContext } from "./lib/locale.ts";

function Layout(props: RouteSectionProps) {
  const session = useSession();
  const location = useLocation();
  return (
    <div class="app">
      <a class="skip-link" href="#main">Skip to content</a>
      <SiteHeader />
      <div class="app-body">
        {/* Wide screens keep your rooms beside every page; on the index they are the page itself (and phones see them there). */}
        <Show when={session.user() && location.pathname !== "/"}>
          <MyRoomsSection id="rooms-sidebar" class="rooms-sidebar" as="nav" />
        </Show>
        <main id="main" class="main">
          {props.children}
        </main>
      </div>
      <MentionNotifications />
    </div>
  );
}

/** The tutorial's old path. The server redirects it too; this covers in-app links. */
function ChatRedirect() {
  const params = useParams<{ room: string }>();
  return <Navigate href={roomPath(params.room)} />;
}

export function App(props: { api: BrowserApi }) {
  const storage = browserStorage();
  const session = createSession(props.api.client, () => dropConnection(props.api.socket, "session changed"), {
    storage,
    // Other people's messages saved for offline reading go with the session; the user's own unsent ones stay for their return.
    onSignedOut: (user) => storage && createHistoryCache(storage, user.username).clear(),
    // A session ended elsewhere or expired: this may be a lost device, so nothing of theirs stays, unsent messages included.
    onSessionLost: (user) => {
      if (storage) forgetOfflineCopies(storage, user.username);
      // The files of those unsent messages too (kept in IndexedDB under the outbox's keys).
      void createHeldFiles().forget(outboxKey(user.username, "")).catch(() => {});
    },
  });
  // The server closed the socket because the session ended: ask who is signed in now (auth.me), which forgets a lost session.
  onCleanup(props.api.onSessionEnded(() => session.recheck()));
  const myRooms = createMyRooms({
    client: props.api.client,
    userId: () => (session.user() === undefined ? undefined : (session.user()?.id ?? null)),
    onUnauthorized: () => session.recheck(),
  });
  const dmNames = createDmNames(props.api.client, () => session.user()?.username);
  const user = () => session.user();
  const locale = createLocale({
    storage,
    browserLanguage: () => navigator.language,
    accountLanguage: () => (user() ? (user()?.language ?? null) : undefined),
    saveForAccount: (language) => props.api.client.me.setLanguage.mutate({ language }),
    root: document.documentElement,
  });
  return (
    <ApiContext.Provider value={props.api}>
      <SessionContext.Provider value={session}>
        <MyRoomsContext.Provider value={myRooms}>
          <DmNamesContext.Provider value={dmNames}>
            <LocaleContext.Provider value={locale}>
            <Router root={Layout}>
              <Route path="/" component={IndexPage} />
              <Route path="/login" component={LoginPage} />
              <Route path="/account" component={AccountPage} />
              <Route path="/room/:room" component={RoomPage} />
              <Route path="/chat/:room" component={ChatRedirect} />
              <Route path="*" component={NotFoundPage} />
            </Router>
            </LocaleContext.Provider>
          </DmNamesContext.Provider>
        </MyRoomsContext.Provider>
      </SessionContext.Provider>
    </ApiContext.Provider>
  );
}
