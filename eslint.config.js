// Lint's main job here is the architecture: which layer may import which, and
// core's purity (DESIGN.md "Layers and the direction of imports").
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeModules = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'url', 'util', 'stream', 'events', 'readline', 'timers', 'timers/*', 'worker_threads', 'dockerode', 'ws', 'sirv'];
const layer = (from, banned, message) => ({ group: banned, message: `Bad layering: ${from} must not import this. ${message}` });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tsbuild/**', 'test-results/**', '.bench/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] }, globals: globals.browser },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A destructuring where some names are reassigned stays one `let`.
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },
  {
    // Svelte 5 props are declared `let { … } = $props()` by convention.
    files: ['**/*.svelte'],
    rules: { 'prefer-const': 'off' },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        layer('core', ['**/web/**', '**/backends/**', '**/lessons/**', '**/test/**'], 'core is the innermost layer.'),
        layer('core', nodeModules, 'core is pure: no Node APIs.'),
      ] }],
      'no-restricted-globals': ['error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame'].map((name) => ({ name, message: 'core has no timers: schedule on the Scheduler (core/scheduler.ts).' })),
        ...['window', 'document', 'localStorage', 'navigator', 'fetch', 'process', 'performance', 'crypto'].map((name) => ({ name, message: 'core is pure: reach the platform through a port.' })),
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use the Rng port (core/ports.ts) so runs are reproducible.' },
        { object: 'Date', property: 'now', message: 'Use the Clock port (core/ports.ts): time is virtual in core.' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the wall clock; pass the Clock time in.' }],
    },
  },
  {
    files: ['lessons/**/*.ts'],
    ignores: ['lessons/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('lessons', ['**/web/**', '**/backends/**'], 'Lessons speak only core.'), layer('lessons', nodeModules, 'Lessons are pure data and checks.')] }] },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.svelte'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('web', ['**/backends/agent/**', '**/backends/node/**'], 'The page reaches the agent only through backends/real.'), layer('web', ['**/backends/classroom/*', '!**/backends/classroom/protocol', '!**/backends/classroom/joinCode'], 'The page speaks to the classroom server only through its protocol.'), layer('web', nodeModules, 'The page runs in the browser.')] }] },
  },
  {
    files: ['backends/sim/**/*.ts', 'backends/real/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('browser backends', ['**/web/**', '**/backends/agent/**', '**/backends/node/**'], 'They run in the browser and serve web, not the other way round.'), layer('browser backends', nodeModules, 'They run in the browser.')] }] },
  },
  {
    files: ['backends/agent/**/*.ts', 'backends/node/**/*.ts', 'backends/classroom/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('node backends', ['**/web/**'], 'The agent serves the built page; it does not import it.')] }] },
    languageOptions: { globals: globals.node },
  },
  {
    // The classroom's protocol is shared with the page, so it stays pure.
    files: ['backends/classroom/protocol.ts', 'backends/classroom/joinCode.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('the classroom protocol', ['**/web/**', '**/backends/agent/**', '**/backends/node/**'], 'The page imports it.'), layer('the classroom protocol', nodeModules, 'The page imports it.')] }] },
  },
  {
    files: ['bin/**/*.mjs', 'test/**/*.ts', '*.config.ts', '*.config.js'],
    languageOptions: { globals: globals.node },
  },
);
