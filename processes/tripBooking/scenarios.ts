import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultPlan } from '../../src/adapters/types';
import type { Scenario, ScenarioContext } from '../../api/worker';
import { createTripClient } from './client';
import type { TripInput } from './contracts';
import { tripWorkflowId } from './workflow';

/** A trip named after its scenario, with the scenario's fault plan stored before it starts. */
async function tripFor({ faults }: ScenarioContext, key: string, plan: FaultPlan = {}): Promise<TripInput> {
  if (Object.keys(plan).length > 0) await faults.plan(`${tripWorkflowId(key)}:`, plan);
  return {
    tripId: key,
    customerId: 'cust-trips',
    flight: { from: 'LIS', to: 'OSL', priceCents: 18_900 },
    hotel: { city: 'oslo', nights: 3, priceCents: 45_000 },
    car: { city: 'oslo', days: 2, priceCents: 12_000 },
    currency: 'EUR',
  };
}

/** Starts the trip and waits for its end, whatever it is (a cancelled run rejects: that is its outcome). */
async function finish(context: ScenarioContext, input: TripInput, drive: (trips: ReturnType<typeof createTripClient>) => Promise<void> = async () => {}): Promise<string> {
  const trips = createTripClient(context);
  const { workflowId } = await trips.startTrip(input);
  await drive(trips);
  await trips.awaitTripResult(input.tripId).catch(() => undefined);
  return workflowId;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(100);
  }
}

/** Every outcome of the trip booking saga, for the replay suite's recorded histories. */
export const tripScenarios: Scenario[] = [
  { name: 'completed', run: async (context, key) => finish(context, await tripFor(context, key)) },
  // A rejection inside the parallel group: the flight and the car, which ran, are cancelled.
  { name: 'hotel-unavailable', run: async (context, key) => finish(context, await tripFor(context, key, { unavailable: ['reserveHotel'] })) },
  // After the group: all three bookings are cancelled, car first.
  { name: 'charge-declined', run: async (context, key) => finish(context, await tripFor(context, key, { declinePayment: true })) },
  {
    name: 'compensation-failed-then-resolved',
    run: async (context, key) =>
      finish(context, await tripFor(context, key, { declinePayment: true, fail: { cancelHotel: 'always' } }), async (trips) => {
        await until(async () => (await trips.getTripState(key)).status === 'COMPENSATION_FAILED', `trip ${key} parks in COMPENSATION_FAILED`);
        await trips.resolveCompensation(key, { note: 'hotel cancelled by phone', resolvedBy: 'ops@example.com' });
      }),
  },
  {
    name: 'cancelled',
    run: async (context, key) =>
      finish(context, await tripFor(context, key, { hang: ['chargeCard'] }), async (trips) => {
        await until(async () => (await trips.getTripState(key)).steps.some((s) => s.name === 'chargeCard'), `trip ${key} reaches chargeCard`);
        await trips.cancelTrip(key);
      }),
  },
];
