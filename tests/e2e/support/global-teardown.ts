/** Removes the suite's temporary database directory (made in playwright.config.ts). */
import { rmSync } from "node:fs";

export default function globalTeardown() {
  const dir = process.env.PARLOR_E2E_DATA;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
