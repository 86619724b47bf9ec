import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { SimulatedFaults } from '../../src/adapters';
import type { StepCall } from '../../src/saga';

/**
 * Test-only: a step whose fault plan says `crashWorkerAfter: <step>` kills its worker process
 * (SIGKILL) right after the step's effect and before the step recorder appends its event or the
 * result reaches Temporal, on the first attempt: the crash idempotency keys and event ids exist
 * for. Placed after the step recorder in the worker's interceptors, so it runs between the two.
 */
export function crashAfterEffect(faults: SimulatedFaults): ActivityInterceptorsFactory {
  return (context) => ({
    inbound: {
      async execute(input, next) {
        const outcome = await next(input);
        const call = input.args[1] as StepCall | undefined;
        if (context.info.attempt === 1 && typeof call?.key === 'string') {
          const step = context.info.activityType.slice(context.info.activityType.lastIndexOf('.') + 1);
          const plan = await faults.planFor(call.key);
          if (plan?.crashWorkerAfter === step) process.kill(process.pid, 'SIGKILL');
        }
        return outcome;
      },
    },
  });
}
