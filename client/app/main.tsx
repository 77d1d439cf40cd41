// First: the stored theme goes on <html> before anything renders (no flash of the other theme).
import "./theme-boot.ts";
import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { createBrowserApi } from "./lib/api.ts";
import "./styles.css";
import "./rooms.css";
import "./timeline.css";
import "./navigation.css";
import "./people.css";

// Made once, outside the JSX: Solid turns `api={createBrowserApi()}` into a getter that would make a new client (and socket) on every read.
const api = createBrowserApi();
render(() => <App api={api} />, document.getElementById("root")!);
