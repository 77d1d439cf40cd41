import { A } from "@solidjs/router";
import { Show } from "solid-js";
import { useApi } from "../lib/api.ts";
import { useT } from "../lib/locale.ts";
import { AccountMenu } from "./account-menu.tsx";
import { MenuIcon } from "./icons.tsx";
import { SearchBox } from "./search-box.tsx";
import "./site-header.css";

/** Phones: the button that opens your rooms as a drawer (absent where there is no sidebar: the index, a guest). */
export interface RoomsDrawerToggle {
  open: boolean;
  onToggle: () => void;
}

/**
 * The app's header: your rooms (a drawer on phones), the one search over every
 * room you can read, your account and the theme. On phones (site-header.css)
 * the search is a button that opens its field over the header, and the account
 * and theme fold into one menu, so one short line fits 320 px in any language.
 */
export function SiteHeader(props: { roomsDrawer?: RoomsDrawerToggle | undefined }) {
  const { client } = useApi();
  const t = useT();

  return (
    <header class="site-header">
      <Show when={props.roomsDrawer}>
        {(drawer) => (
          <button
            id="rooms-drawer-button"
            type="button"
            class="secondary header-icon-button rooms-drawer-button"
            aria-expanded={drawer().open}
            aria-controls="rooms-sidebar"
            onClick={() => drawer().onToggle()}
          >
            <MenuIcon />
            <span class="visually-hidden">{t("shell.rooms")}</span>
          </button>
        )}
      </Show>
      <A href="/" class="brand" end>
        {t("common.appName")}
      </A>
      <SearchBox client={client} label={t("shell.searchMessages")} />
      <AccountMenu />
    </header>
  );
}
