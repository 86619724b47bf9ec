import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';

/** The ApplicationFailure a run ended with; fails the test when the run completed or failed otherwise. */
export async function applicationFailureOf(handle: WorkflowHandle): Promise<ApplicationFailure> {
  const failure: unknown = await handle.result().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
