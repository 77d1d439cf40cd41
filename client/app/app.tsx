import { Navigate, Route, Router, useParams, type RouteSectionProps } from "@solidjs/router";
import { ApiContext, type BrowserApi, dropConnection } from "./lib/api.ts";
import { createSession, SessionContext } from "./lib/session.ts";
import { roomPath } from "./lib/room-name.ts";
import { SiteHeader } from "./components/site-header.tsx";
import { IndexPage } from "./pages/index-page.tsx";
import { AccountPage } from "./pages/account-page.tsx";
import { LoginPage } from "./pages/login-page.tsx";
import { RoomPage } from "./pages/room-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";

function Layout(props: RouteSectionProps) {
  return (
    <div class="app">
      <a class="skip-link" href="#main">Skip to content</a>
      <SiteHeader />
      <main id="main" class="main">
        {props.children}
      </main>
    </div>
  );
}

/** The tutorial's old path. The server redirects it too; this covers in-app links. */
function ChatRedirect() {
  const params = useParams<{ room: string }>();
  return <Navigate href={roomPath(params.room)} />;
}

export function App(props: { api: BrowserApi }) {
  const session = createSession(props.api.client, () => dropConnection(props.api.socket, "session changed"));
  return (
    <ApiContext.Provider value={props.api}>
      <SessionContext.Provider value={session}>
        <Router root={Layout}>
          <Route path="/" component={IndexPage} />
          <Route path="/login" component={LoginPage} />
          <Route path="/account" component={AccountPage} />
          <Route path="/room/:room" component={RoomPage} />
          <Route path="/chat/:room" component={ChatRedirect} />
          <Route path="*" component={NotFoundPage} />
        </Router>
      </SessionContext.Provider>
    </ApiContext.Provider>
  );
}
