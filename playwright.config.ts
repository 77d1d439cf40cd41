/**
 * The browser suite: real Chromium against the real app, built (`vite build`)
 * and served by one Bun process on a free port with a fresh SQLite database.
 * Chromium is the system's (/usr/bin/chromium, or $PARLOR_CHROMIUM): Playwright
 * does not download browsers here.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { TEST_LIMITS } from "./tests/e2e/support/test-limits.ts";

/** A port nobody listens on right now. Synchronous because the config is. */
function freePort(): string {
  const script = "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
}

// Worker processes load this file again: the runner's choices reach them through the environment.
process.env.PARLOR_E2E_PORT ??= freePort();
process.env.PARLOR_E2E_DATA ??= mkdtempSync(join(tmpdir(), "parlor-e2e-"));
const port = process.env.PARLOR_E2E_PORT;
const dataDir = process.env.PARLOR_E2E_DATA;
// "localhost" rather than 127.0.0.1: browsers accept the production build's Secure cookie there over plain HTTP.
const baseURL = `http://localhost:${port}`;

const chromium = process.env.PARLOR_CHROMIUM ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.e2e.ts",
  globalTeardown: "./tests/e2e/support/global-teardown.ts",
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_500 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "bun server/main.ts",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: port,
      HOST: "localhost",
      DATABASE_URL: `sqlite:${join(dataDir, "parlor.db")}`,
      NODE_ENV: "production",
      REDIS_URL: "",
      ALLOWED_ORIGINS: "",
      ...TEST_LIMITS,
    },
  },
});
