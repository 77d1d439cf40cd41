/**
 * The wording of a membership entry of the room log (`kind: "member"`): one
 * short sentence, the one who acted first — "ben joined", "ann added ben",
 * "ann made ben a moderator". The web timeline shows it as a notice and the
 * CLI prints it after the entry's seq, so both say the same thing.
 * Pure and isomorphic; the CLI escapes it for the terminal. Worded by `t`
 * (the catalogs' `moderation` namespace), English by default.
 */
import { english, type Translate } from "./i18n/index.ts";
import type { MemberEntry } from "./room-log.ts";

export function describeMemberEntry(entry: MemberEntry, t: Translate = english): string {
  const { user } = entry;
  const by = entry.by ?? "";
  switch (entry.change) {
    case "joined":
      return t("moderation.joined", { user });
    case "left":
      return t("moderation.left", { user });
    case "invited":
      return t("moderation.invited", { user, by });
    case "kicked":
      return t("moderation.kicked", { user, by });
    case "banned":
      return t("moderation.banned", { user, by });
    case "unbanned":
      return t("moderation.unbanned", { user, by });
    case "role":
      return entry.role === "moderator"
        ? t("moderation.madeModerator", { user, by })
        : t("moderation.madeMember", { user, by });
  }
}
