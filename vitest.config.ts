import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// One place lists every suite; `npm test` runs them all. Suites that need Docker,
// root or Chromium skip with a message when those are absent, unless
// REQUIRE_DOCKER=1 (set by .ci/run), where a missing requirement fails instead.
// Projects run side by side, but in three groups: the agent's kernel-trace tests
// watch the real dockerd and need it to start no one else's containers meanwhile
// (group 1), and the engine+agent image runs a whole second dockerd (group 2).
export default defineConfig({
  test: {
    projects: [
      // The svelte plugin compiles the page's rune modules (`*.svelte.ts`: app state) for their unit tests.
      { plugins: [svelte({ configFile: false })], test: { name: 'unit', include: ['core/**/*.test.ts', 'backends/**/*.test.ts', 'lessons/**/*.test.ts', 'web/src/**/*.test.ts'] } },
      { test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 } },
      { test: { name: 'agent', include: ['test/agent/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false, sequence: { groupOrder: 1 } } },
      { test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], testTimeout: 600_000 } },
      { test: { name: 'course', include: ['test/course/**/*.test.ts'], testTimeout: 120_000 } },
      // The classroom's server over loopback: needs nothing but Node, so it always runs.
      { test: { name: 'classroom', include: ['test/classroom/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false } },
      // The deploy recipes: the engine+agent image run in Docker (needs the image built by deploy/engine-agent/build.sh) and the JupyterHub values.
      { test: { name: 'deploy', include: ['test/deploy/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
