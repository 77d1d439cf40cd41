import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { createBrowserApi } from "./lib/api.ts";
import "./styles.css";

render(() => <App api={createBrowserApi()} />, document.getElementById("root")!);
