/** How the global setup hands the shared services to the test files (jest workers inherit the environment). */
export const TEST_ENV = {
  postgresAdminUrl: 'SAGAFLOW_TEST_POSTGRES_URL',
  templateDatabase: 'SAGAFLOW_TEST_TEMPLATE_DB',
  temporalAddress: 'SAGAFLOW_TEST_TEMPORAL_ADDRESS',
  temporalNamespace: 'SAGAFLOW_TEST_TEMPORAL_NAMESPACE',
  temporalUiUrl: 'SAGAFLOW_TEST_TEMPORAL_UI_URL',
  /** The workflows with the fast retry profile: every outcome in seconds. */
  workflowBundle: 'SAGAFLOW_TEST_WORKFLOW_BUNDLE',
  /** The same with the standard profile, for tests that outlast an outage the way production does. */
  standardWorkflowBundle: 'SAGAFLOW_TEST_STANDARD_WORKFLOW_BUNDLE',
} as const;

export function testEnv(key: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[key]];
  if (!value) throw new Error(`${TEST_ENV[key]} is not set: run the tests through jest so test/support/globalSetup.ts starts the services`);
  return value;
}
