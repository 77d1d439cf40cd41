/** The CLI's help, printed with no command, with -h, and after a usage error, in the terminal's language. */
import type { Translate } from "../../shared/i18n/index.ts";
import { credentialsPath } from "./credentials.ts";
import { PROGRAM } from "./program.ts";

export const help = (t: Translate) => t("cli.help", { credentials: credentialsPath(), program: PROGRAM });
