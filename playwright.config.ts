/**
 * The browser suite: real Chromium against the real app, built (`vite build`)
 * and served by one Bun process on a free port with a fresh SQLite database.
 * Chromium is the system's (/usr/bin/chromium, or $PARLOR_CHROMIUM): Playwright
 * does not download browsers here.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { TEST_LIMITS } from "./tests/support/test-limits.ts";

// Worker processes load this file again: the runner's temporary directory reaches them through the environment.
process.env.PARLOR_E2E_DATA ??= mkdtempSync(join(tmpdir(), "parlor-e2e-"));
const dataDir = process.env.PARLOR_E2E_DATA;
/**
 * The server listens on a port the system picks (PORT=0: no race for a port
 * chosen in advance) and prints its URL; Playwright stores the `parlor_e2e_url`
 * group of that line as PARLOR_E2E_URL before it starts the workers.
 */
const baseURL = process.env.PARLOR_E2E_URL;

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
    wait: { stdout: /listening on (?<parlor_e2e_url>http:\/\/localhost:\d+)/ },
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: "0",
      // "localhost", not 127.0.0.1: browsers take the production build's Secure cookie from it over plain HTTP.
      HOST: "localhost",
      DATABASE_URL: `sqlite:${join(dataDir, "parlor.db")}`,
      UPLOADS_DIR: join(dataDir, "uploads"),
      NODE_ENV: "production",
      REDIS_URL: "",
      ALLOWED_ORIGINS: "",
      ...TEST_LIMITS,
    },
  },
});
