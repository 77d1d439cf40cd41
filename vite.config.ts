/**
 * The browser app. `vite build` writes dist/client, which the Bun server serves
 * in production. In development (`bun run dev`, see scripts/dev.ts) Vite serves
 * the page with HMR and forwards the server's paths to the Bun server; the Host
 * header is kept (changeOrigin: false) so the server's Origin check sees the
 * page's own origin.
 *
 * The build also writes a service worker (vite-plugin-pwa, Workbox) that
 * precaches the app shell, so a reload with no network still opens the app;
 * see `offlineShell` below.
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import solid from "vite-plugin-solid";

/**
 * The service worker: the built files (index.html, the hashed script and
 * stylesheet) precached, and index.html for the app's own routes when there is
 * no network. Nothing the server answers at /trpc, /api, /healthz or /chat is
 * cached or routed by it: those answers are per user and go stale (the room
 * page keeps its own copy of recent history, per user, in its storage).
 *
 * Updates: "autoUpdate" with skipWaiting and clientsClaim. A new build's
 * worker takes over as soon as it is installed, so nobody is held on an old
 * version until every tab is closed; it does not reload open pages (a draft
 * being typed is not lost), the next load or reload gets the new version.
 * The registration is the plugin's /registerSW.js file, not an inline script:
 * the page's CSP is `script-src 'self'`.
 */
const offlineShell = VitePWA({
  registerType: "autoUpdate",
  injectRegister: "script",
  manifest: false,
  workbox: {
    globPatterns: ["**/*.{html,js,css,svg,png,ico,woff2}"],
    navigateFallback: "/index.html",
    // Only the routes the app draws itself (client/app/app.tsx); anything else goes to the server.
    navigateFallbackAllowlist: [/^\/$/, /^\/login\/?$/, /^\/account\/?$/, /^\/room\/[^/]+\/?$/],
    navigateFallbackDenylist: [/^\/trpc/, /^\/api\//, /^\/healthz/, /^\/chat\//],
    runtimeCaching: [],
    skipWaiting: true,
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    // The Workbox runtime in sw.js itself: one file, no importScripts of another.
    inlineWorkboxRuntime: true,
  },
});

/**
 * The app's script holds the first paint (`blocking="render"`, where browsers
 * support it) until it has run: the page is empty until then anyway, and its
 * first import (theme-boot.ts) puts the stored theme on <html>, so a reader who
 * chose the other theme than their system's never sees a frame of the wrong one.
 */
const renderBlockingEntry: Plugin = {
  name: "parlor-render-blocking-entry",
  transformIndexHtml: {
    order: "post",
    handler: (html) =>
      html.replace('<script type="module" crossorigin', '<script type="module" blocking="render" crossorigin'),
  },
};

/** Where `bun run dev` runs the Bun server. */
const apiTarget = process.env.PARLOR_DEV_API ?? "http://localhost:3001";
const toServer = { target: apiTarget, changeOrigin: false };

export default defineConfig({
  root: fileURLToPath(new URL("./client/app", import.meta.url)),
  plugins: [solid(), offlineShell, renderBlockingEntry],
  resolve: {
    // The client package from its source, as tsconfig.json's paths give it (its dist/ is built only to be packed).
    alias: {
      "@parlor/client/fold": fileURLToPath(new URL("./packages/client/src/fold.ts", import.meta.url)),
      "@parlor/client": fileURLToPath(new URL("./packages/client/src/index.ts", import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL("./dist/client", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    port: Number(process.env.PORT ?? 3000),
    strictPort: true,
    proxy: {
      "/trpc": { ...toServer, ws: true },
      "/api": toServer,
      "/healthz": toServer,
      "/readyz": toServer,
      "/metrics": toServer,
      "/chat": toServer,
    },
  },
});
