// The saga benchmark's worker bundle: sagaflow's workflows and the bare ceiling, side by side.
export * from '../../workflows';
export { bareOrderFulfillment } from './bareWorkflow';
