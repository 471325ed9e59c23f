import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // One copy of graphql: type-graphql and Apollo must see the same realm.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file boots its own server and database; two cores allow two at a time.
    fileParallelism: true,
    maxWorkers: 2,
    setupFiles: ["test/support/setup.ts"],
  },
});
