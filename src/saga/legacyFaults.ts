/**
 * What runs started before the step engine carried in their input to steer the simulated services
 * and their own retries. New runs carry nothing of the kind: fault plans live in the simulated
 * services and fast retries in the worker. Kept only so those runs read their input as they did.
 */
export interface LegacyFaults {
  fastRetries?: boolean;
  [fault: string]: unknown;
}
