// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed from history: no I/O, no
 * Node modules, no wall clock or randomness except through the workflow APIs (sleep, uuid4, workflowInfo).
 */
const sandboxImportPatterns = [
  { group: ['node:*'], message: 'Node modules do not exist in the workflow sandbox; do I/O in an activity.' },
  {
    group: ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'events', 'stream', 'util', 'worker_threads', 'dns', 'zlib'],
    message: 'Node modules do not exist in the workflow sandbox; do I/O in an activity.',
  },
  { group: ['pg', 'pg-*'], message: 'Database access belongs in activities.' },
  {
    group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
    message: 'Workflow code may import only @temporalio/workflow and @temporalio/common.',
  },
  {
    group: ['**/activities', '**/activities/*', '!**/activities/*.types'],
    allowTypeImports: true,
    message: 'Import activities by type only (`import type`) and call them through proxyActivities.',
  },
];

/**
 * The repository's processes are written as an app writes its own: on the engine's public entries
 * (api/*, published as sagaflow/workflow, sagaflow/worker, …), never its internals, so what the
 * package offers is enough to build them. The simulated services (src/adapters) are the demo's,
 * not the engine's; a process's legacy/ folder holds frozen code that replays runs older than the
 * public entries.
 */
const engineInternalsPattern = {
  regex: '^(\\.\\./)+(src/(?!adapters(/|$))|activities(/|$)|workers(/|$)|workflows(/|$))',
  message: "A process uses the engine through its public entries (api/workflow, api/worker, api/client, api/eventstore, api/projections, api/cli: the sagaflow package's subpaths), not its internals.",
};

const workflowSandboxRules = {
  'no-restricted-imports': ['error', { patterns: sandboxImportPatterns }],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
    { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
    { name: 'process', message: 'The workflow sandbox has no process; pass configuration as workflow input.' },
    { name: 'fetch', message: 'Network calls belong in activities.' },
    { name: 'require', message: 'Use static imports of workflow-safe modules.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Use workflowInfo() or the time an activity returns; wall-clock reads make intent unclear on replay.' },
    { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow for ids.' },
  ],
};

export default tseslint.config(
  // examples/app is an app of its own, type-checked by its own tsc against the packed package (test/package).
  { ignores: ['node_modules/', 'dist/', '.sagaflow/', 'coverage/', 'scratch/', 'examples/', 'docs/api/', 'jest.config.js', 'jest.replay.config.js', 'jest.cluster.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.mjs', 'test/support/*.js', 'src/cli/*.cjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The modules workflow code imports (opening events, saga types, search attributes, money) run in the sandbox too.
    files: [
      'workflows/**/*.ts',
      'src/saga/**/*.ts',
      'src/contracts/money.ts',
      'processes/**/workflow.ts',
      'processes/**/legacy/*V1.ts',
      'processes/**/legacy/sagaEvents.ts',
      'processes/**/openingEvent.ts',
      'processes/**/searchAttributes.ts',
      'processes/**/sagaType.ts',
      'bench/saga/bareWorkflow.ts',
      'src/observability/workflowTracing.ts',
      'test/fixtures/workflows/**/*.ts',
      'api/workflow.ts',
    ],
    rules: workflowSandboxRules,
  },
  {
    files: ['processes/**/*.ts'],
    ignores: ['processes/*/legacy/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [engineInternalsPattern] }] },
  },
  {
    // A process's sandbox files keep the sandbox's rules besides.
    files: ['processes/**/workflow.ts', 'processes/**/openingEvent.ts', 'processes/**/searchAttributes.ts', 'processes/**/sagaType.ts'],
    ignores: ['processes/*/legacy/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...sandboxImportPatterns, engineInternalsPattern] }] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['test/support/*.js', 'src/cli/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' }, languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', process: 'readonly', require: 'readonly', __dirname: 'readonly' } } },
);
