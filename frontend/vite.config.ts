import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The dev server forwards the API to a ModelCloud server, by default `modelcloud serve` on its
// default port. The Origin header is rewritten because the server accepts WebSocket
// connections only from its own origin unless MODELCLOUD_ALLOWED_ORIGINS lists others.
const apiTarget = process.env.MODELCLOUD_API ?? "http://127.0.0.1:8000";

const forwarded = {
  target: apiTarget,
  changeOrigin: true,
  headers: { origin: apiTarget },
};

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/graphql": { ...forwarded, ws: true },
      "/v1": forwarded,
      "/healthz": forwarded,
    },
  },
  build: {
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // GraphiQL is a page of its own (dist/graphiql.html), so its editor never weighs on the web app's chunks.
      input: {
        index: "index.html",
        graphiql: "graphiql.html",
      },
      // GraphiQL's packages start modules with "use client", a directive for React Server Components that a browser bundle drops.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") {
          warn(warning);
        }
      },
    },
  },
  test: {
    environment: "jsdom",
    pool: "threads",
    // One module graph for all test files: every file renders into a fresh DOM and its own mock client, and
    // importing Ant Design and the catalogues once instead of per file roughly halves the suite's time.
    isolate: false,
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    css: false,
    // A hang guard only: on a loaded two-core machine a component test that renders a chart has taken over
    // the default 5 s.
    testTimeout: 30_000,
  },
});
