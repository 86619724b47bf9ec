/**
 * Runs started before the step engine (processes/<name>/legacy/) replay and finish with the commands they
 * began with; runs started after take the declared steps (StepSaga). Asked first thing in each saga
 * workflow. Retire with deprecatePatch, and the legacy workflows and activities with it, once no run
 * started before it is open.
 */
export const STEP_ENGINE_PATCH = 'sagaflow-step-engine';
