/**
 * Imported first by main.tsx, so it runs before the app renders anything: the
 * stored theme is on <html> for the first paint of the page, with no inline
 * script (the CSP is `script-src 'self'`).
 */
import { browserStorage } from "./lib/known-user.ts";
import { applyTheme, readThemeChoice } from "./lib/theme.ts";

applyTheme(document.documentElement, readThemeChoice(browserStorage()));
