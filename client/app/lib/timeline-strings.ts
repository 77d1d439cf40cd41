/**
 * The words of the timeline, from the catalogs (shared/i18n/en-room.ts's
 * `timeline`) in the page's language: read as `t.deleted` in JSX, so they
 * follow a change of language at once.
 */
import { readerLocale } from "./format-time.ts";
import { useLocale, useT } from "./locale.ts";

/** The tag the timeline writes dates and times with, following the page's language. */
export function useReaderLocale(): () => string {
  const { locale } = useLocale();
  return () => readerLocale(locale(), typeof navigator === "undefined" ? undefined : navigator.language);
}

/** The timeline's words for the component that calls it (under <LocaleContext.Provider>). */
export function useTimelineStrings() {
  const t = useT();
  return {
    messagesIn: (room: string) => t("timeline.messagesIn", { room }),
    get edited() {
      return t("timeline.edited");
    },
    editedAt: (when: string) => t("timeline.editedAt", { when }),
    get deleted() {
      return t("timeline.deleted");
    },
    get showMore() {
      return t("timeline.showMore");
    },
    get showLess() {
      return t("timeline.showLess");
    },
    get newMessages() {
      return t("timeline.newMessages");
    },
    newMessagesButton: (count: number) => t("timeline.newMessagesButton", { count }),
  };
}
