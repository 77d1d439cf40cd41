/**
 * The message actions' icons, drawn here rather than taken from emoji or
 * symbol fonts (which a system may lack). Decorative: the buttons carry the names.
 */
import type { JSX } from "solid-js";

function Icon(props: { children: JSX.Element }) {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      {props.children}
    </svg>
  );
}

export const ReplyIcon = () => (
  <Icon>
    <path d="M9 14 4 9l5-5" />
    <path d="M4 9h10a6 6 0 0 1 6 6v4" />
  </Icon>
);

export const ReactIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="M8 14s1.5 2 4 2 4-2 4-2" />
    <path d="M9 9.5h.01M15 9.5h.01" />
  </Icon>
);

export const EditIcon = () => (
  <Icon>
    <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L8 18l-4 1 1-4Z" />
  </Icon>
);

export const DeleteIcon = () => (
  <Icon>
    <path d="M4 7h16" />
    <path d="M10 11v6M14 11v6" />
    <path d="M6 7l1 13h10l1-13" />
    <path d="M9 7V4h6v3" />
  </Icon>
);

export const AttachIcon = () => (
  <Icon>
    <path d="m21 11-8.5 8.5a5 5 0 0 1-7-7L14 4a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4L15.5 7" />
  </Icon>
);

export const CloseIcon = () => (
  <Icon>
    <path d="M6 6l12 12M18 6 6 18" />
  </Icon>
);

/** A file's type at a glance (attachment-card.tsx): a page with a mark for its kind. */
export function FileTypeIcon(props: { kind: "pdf" | "audio" | "video" | "archive" | "text" | "image" | "file" }) {
  return (
    <Icon>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Z" />
      <path d="M14 3v5h5" />
      {props.kind === "audio" && (
        <path d="M10 17v-5l4-1v5M10 17a1 1 0 1 1-2 0 1 1 0 0 1 2 0M14 16a1 1 0 1 1-2 0 1 1 0 0 1 2 0" />
      )}
      {props.kind === "video" && <path d="m10 11 4 2.5-4 2.5Z" />}
      {props.kind === "pdf" && <path d="M9 13h6M9 16h4" />}
      {props.kind === "text" && <path d="M9 12h6M9 15h6M9 18h4" />}
      {props.kind === "archive" && <path d="M11 9h2M11 12h2M11 15h2" />}
      {props.kind === "image" && <path d="m8 18 3-4 2 2 3-4M10 11h.01" />}
    </Icon>
  );
}

/** Three lines: the button that opens the rooms drawer on phones. */
export const MenuIcon = () => (
  <Icon>
    <path d="M4 6h16M4 12h16M4 18h16" />
  </Icon>
);

/** A magnifier: the header's search on phones (the button that opens the field, and its submit). */
export const SearchIcon = () => (
  <Icon>
    <circle cx="11" cy="11" r="7" />
    <path d="m20 20-4-4" />
  </Icon>
);

/** An arrow back: closes the phone's search field over the header. */
export const BackIcon = () => (
  <Icon>
    <path d="M19 12H5M11 18l-6-6 6-6" />
  </Icon>
);

/** A circle half filled: a guest's menu on phones, which holds the theme. */
export const ThemeIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 3a9 9 0 0 1 0 18z" fill="currentColor" />
  </Icon>
);

/** Two people: the room's members button on phones, beside the count. */
export const PeopleIcon = () => (
  <Icon>
    <circle cx="9" cy="8" r="3.5" />
    <path d="M2.5 20a6.5 6.5 0 0 1 13 0" />
    <path d="M16 4.6a3.5 3.5 0 0 1 0 6.8M18 14.2a6.5 6.5 0 0 1 3.5 5.8" />
  </Icon>
);

/** A paper plane: the composer's Send on phones. */
export const SendIcon = () => (
  <Icon>
    <path d="M21 3 10 14" />
    <path d="M21 3 14.5 21l-4.5-7-7-4.5Z" />
  </Icon>
);
