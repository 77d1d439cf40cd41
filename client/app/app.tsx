import { Navigate, Route, Router, type RouteSectionProps, useLocation, useNavigate, useParams } from "@solidjs/router";
import { createEffect, createSignal, on, onCleanup, Show } from "solid-js";
import { InvitationNotices } from "./components/invitation-notices.tsx";
import { MentionNotifications } from "./components/mention-notifications.tsx";
import { MyRoomsSection } from "./components/my-rooms-list.tsx";
import { QuickSwitcher } from "./components/quick-switcher.tsx";
import { SessionLostNotice } from "./components/session-lost-notice.tsx";
import { SiteHeader } from "./components/site-header.tsx";
import { ApiContext, type BrowserApi, dropConnection } from "./lib/api.ts";
import { appKey } from "./lib/app-keys.ts";
import { createDmNames, DmNamesContext } from "./lib/dm-names.ts";
import { createHeldFiles } from "./lib/held-files.ts";
import { createHistoryCache } from "./lib/history-cache.ts";
import { browserStorage } from "./lib/known-user.ts";
import { createLocale, LocaleContext, useT } from "./lib/locale.ts";
import { createMyRooms, MyRoomsContext, useMyRooms } from "./lib/my-rooms.ts";
import { forgetOfflineCopies } from "./lib/offline-copies.ts";
import { outboxKey } from "./lib/outbox.ts";
import { createPeople, PeopleContext } from "./lib/people.ts";
import { neighbourRoom } from "./lib/quick-switcher.ts";
import { roomOfPath, roomPath } from "./lib/room-name.ts";
import { createSession, SessionContext, useSession } from "./lib/session.ts";
import { AccountPage } from "./pages/account-page.tsx";
import { DmPage } from "./pages/dm-page.tsx";
import { IndexPage } from "./pages/index-page.tsx";
import { LoginPage } from "./pages/login-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";
import { RoomPage } from "./pages/room-page.tsx";

function Layout(props: RouteSectionProps) {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const myRooms = useMyRooms();
  const t = useT();
  /** Phones: the rooms sidebar is a drawer, opened from the header. */
  const [drawerOpen, setDrawerOpen] = createSignal(false);
  const [switcherOpen, setSwitcherOpen] = createSignal(false);
  /** Where the focus was when the switcher opened: it goes back there when the switcher closes without going anywhere. */
  let beforeSwitcher: HTMLElement | null = null;
  const hasSidebar = () => Boolean(session.user()) && location.pathname !== "/";
  // Going to another page closes the drawer (a room was chosen in it).
  createEffect(
    on(
      () => location.pathname,
      () => setDrawerOpen(false),
      { defer: true },
    ),
  );

  function closeDrawer() {
    setDrawerOpen(false);
    document.getElementById("rooms-drawer-button")?.focus();
  }

  function closeSwitcher() {
    if (!switcherOpen()) return;
    setSwitcherOpen(false);
    beforeSwitcher?.isConnected && beforeSwitcher.focus();
  }

  const onKeyDown = (event: KeyboardEvent) => {
    const key = appKey(event);
    if (!key) return;
    if (key === "switcher") {
      event.preventDefault();
      if (switcherOpen()) {
        // Closed a moment ago (Esc, a click outside) but its close event is still queued behind this key: open anew.
        if (document.querySelector<HTMLDialogElement>("dialog#quick-switcher")?.open) return;
        setSwitcherOpen(false);
      }
      beforeSwitcher = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setSwitcherOpen(true);
    } else if (key === "close" && drawerOpen()) {
      event.preventDefault();
      closeDrawer();
    } else if (key === "next-room" || key === "previous-room") {
      const next = neighbourRoom(
        myRooms.rooms().map((r) => r.room),
        roomOfPath(location.pathname),
        key === "next-room" ? 1 : -1,
      );
      if (!next) return;
      event.preventDefault();
      navigate(roomPath(next));
    }
  };
  window.addEventListener("keydown", onKeyDown);
  onCleanup(() => window.removeEventListener("keydown", onKeyDown));

  return (
    <div class="app">
      <a class="skip-link" href="#main">
        {t("common.skipToContent")}
      </a>
      <SiteHeader
        roomsDrawer={
          hasSidebar()
            ? { open: drawerOpen(), onToggle: () => (drawerOpen() ? closeDrawer() : setDrawerOpen(true)) }
            : undefined
        }
      />
      <SessionLostNotice />
      <div class="app-body">
        {/* Wide screens keep your rooms beside every page; on the index they are the page itself; phones open them as a drawer. */}
        <Show when={hasSidebar()}>
          <MyRoomsSection id="rooms-sidebar" class="rooms-sidebar" classList={{ open: drawerOpen() }} as="nav" />
          <Show when={drawerOpen()}>
            <div class="drawer-backdrop" aria-hidden="true" onClick={closeDrawer} />
          </Show>
        </Show>
        <main id="main" class="main">
          {props.children}
        </main>
      </div>
      <Show when={switcherOpen()}>
        <QuickSwitcher onClose={closeSwitcher} />
      </Show>
      <MentionNotifications />
      <InvitationNotices />
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
      void createHeldFiles()
        .forget(outboxKey(user.username, ""))
        .catch(() => {});
    },
  });
  // The server closed the socket because the session ended: ask who is signed in now (auth.me), which forgets a lost session.
  onCleanup(props.api.onSessionEnded(() => session.recheck()));
  const myRooms = createMyRooms({
    client: props.api.client,
    userId: () => (session.user() === undefined ? undefined : (session.user()?.id ?? null)),
    onUnauthorized: () => session.recheck(),
  });
  const people = createPeople({ client: props.api.client, signedIn: () => !!session.user() });
  const user = () => session.user();
  const locale = createLocale({
    storage,
    browserLanguage: () => navigator.language,
    accountLanguage: () => (user() ? (user()?.language ?? null) : undefined),
    saveForAccount: (language) => props.api.client.me.setLanguage.mutate({ language }),
    root: document.documentElement,
  });
  const dmNames = createDmNames(
    props.api.client,
    () => session.user()?.username,
    people.name,
    () => locale.t("shell.switcherPerson"),
  );
  return (
    <ApiContext.Provider value={props.api}>
      <SessionContext.Provider value={session}>
        <MyRoomsContext.Provider value={myRooms}>
          <PeopleContext.Provider value={people}>
            <DmNamesContext.Provider value={dmNames}>
              <LocaleContext.Provider value={locale}>
                <Router root={Layout}>
                  <Route path="/" component={IndexPage} />
                  <Route path="/login" component={LoginPage} />
                  <Route path="/account" component={AccountPage} />
                  <Route path="/room/:room" component={RoomPage} />
                  <Route path="/dm/:username" component={DmPage} />
                  <Route path="/chat/:room" component={ChatRedirect} />
                  <Route path="*" component={NotFoundPage} />
                </Router>
              </LocaleContext.Provider>
            </DmNamesContext.Provider>
          </PeopleContext.Provider>
        </MyRoomsContext.Provider>
      </SessionContext.Provider>
    </ApiContext.Provider>
  );
}
