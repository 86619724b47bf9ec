import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { FaultPlan } from '../../../src/adapters';
import { InvalidInputError } from '../../../src/client';
import { SagaStatusKey } from '../../../src/saga';
import { createTripClient, type TripClient } from '../../../processes/tripBooking/client';
import type { TripInput } from '../../../processes/tripBooking/contracts';
import { TripId } from '../../../processes/tripBooking/searchAttributes';
import { tripScenarios } from '../../../processes/tripBooking/scenarios';
import { tripSummary } from '../../../processes/tripBooking/tripSummary';
import { tripWorkflowId } from '../../../processes/tripBooking/workflow';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { planFaults, simulatedFaults } from '../../support/faults';
import { catchUp } from '../../support/projections';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';

const RESERVED = ['FlightReserved', 'HotelReserved', 'CarReserved'];

describe('TripBooking saga on a real worker, Temporal dev server and PostgreSQL', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  let trips: TripClient;
  beforeAll(() => {
    trips = createTripClient({ client: rig.temporal.client, taskQueue: rig.temporal.taskQueue });
  });

  /** A new trip, with its fault plan stored in the simulated travel service before it starts. */
  const trip = async (faults: FaultPlan = {}): Promise<TripInput> => {
    const tripId = randomUUID();
    await planFaults(db.pool, tripWorkflowId(tripId), faults);
    return {
      tripId,
      customerId: 'cust-9',
      flight: { from: 'LIS', to: 'OSL', priceCents: 18_900 },
      hotel: { city: 'oslo', nights: 3, priceCents: 45_000 },
      car: { city: 'oslo', days: 2, priceCents: 12_000 },
      currency: 'EUR',
    };
  };
  const events = (tripId: string) => testEventStore(db).readStream(`Trip-${tripId}`);
  const eventTypes = async (tripId: string) => (await events(tripId)).map((e) => e.type);
  const bookings = async (tripId: string) =>
    (await db.pool.query<{ kind: string; status: string }>('select kind, status from sim_travel_bookings where trip_id = $1 order by kind', [tripId])).rows.map((r) => [r.kind, r.status]);
  const charges = async (tripId: string) =>
    (await db.pool.query<{ status: string; amount_cents: string }>('select status, amount_cents from sim_travel_charges where trip_id = $1', [tripId])).rows.map((r) => [r.status, Number(r.amount_cents)]);
  const calls = async (operation: string, tripId: string) =>
    (await db.pool.query('select 1 from sim_calls where operation = $1 and idempotency_key = $2', [operation, `${tripWorkflowId(tripId)}:${operation}`])).rowCount;

  it('reserves the three bookings at once, charges the sum and confirms, every event once and caused by TripRequested', async () => {
    const input = await trip();
    await trips.startTrip(input);

    const result = await trips.awaitTripResult(input.tripId);

    expect(result.outcome).toBe('COMPLETED');
    expect(result.steps.map((s) => [s.name, s.status, s.summary])).toEqual([
      ['reserveFlight', 'done', 'Reserve a flight LIS → OSL'],
      ['reserveHotel', 'done', 'Reserve 3 nights in oslo'],
      ['reserveCar', 'done', 'Reserve a car in oslo for 2 days'],
      ['chargeCard', 'done', 'Charge 759.00 EUR'],
    ]);
    const stream = await events(input.tripId);
    const types = stream.map((e) => e.type);
    expect(types[0]).toBe('TripRequested');
    // The group's events land in the order the reservations finished: any order, each once.
    expect([...types.slice(1, 4)].sort()).toEqual([...RESERVED].sort());
    expect(types.slice(4)).toEqual(['CardCharged', 'SagaCompleted']);
    const [requested, ...rest] = stream;
    const group = rest.slice(0, 3);
    expect(group.map((e) => e.metadata.causationId)).toEqual([requested!.eventId, requested!.eventId, requested!.eventId]);
    // The step after the group is caused by the group's last event, the completion by the charge.
    expect(stream[4]!.metadata.causationId).toBe(stream[3]!.eventId);
    expect(stream[5]!.metadata.causationId).toBe(stream[4]!.eventId);
    expect(stream.every((e) => e.metadata.correlationId === tripWorkflowId(input.tripId))).toBe(true);
    const { flightBookingId, hotelBookingId, carBookingId, chargeId } = result.value!;
    const byType = Object.fromEntries(stream.map((e) => [e.type, e.data as Record<string, unknown>]));
    expect([byType.FlightReserved!.bookingId, byType.HotelReserved!.bookingId, byType.CarReserved!.bookingId, byType.CardCharged!.chargeId]).toEqual([
      flightBookingId,
      hotelBookingId,
      carBookingId,
      chargeId,
    ]);
    expect(byType.CardCharged).toMatchObject({ amountCents: 75_900, currency: 'EUR', customerId: 'cust-9' });
    expect(await bookings(input.tripId)).toEqual([
      ['car', 'reserved'],
      ['flight', 'reserved'],
      ['hotel', 'reserved'],
    ]);
    expect(await charges(input.tripId)).toEqual([['charged', 75_900]]);
    const described = await rig.temporal.client.workflow.getHandle(tripWorkflowId(input.tripId)).describe();
    expect([described.typedSearchAttributes.get(SagaStatusKey), described.typedSearchAttributes.get(TripId)]).toEqual(['COMPLETED', input.tripId]);
  });

  it('cancels the two bookings that ran when the hotel is unavailable, charges nothing, and leaves the hotel alone', async () => {
    const input = await trip({ unavailable: ['reserveHotel'] });
    await trips.startTrip(input);

    const result = await trips.awaitTripResult(input.tripId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'reserveHotel', type: 'BusinessRejection' } });
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['reserveFlight', 'compensated'],
      ['reserveHotel', 'failed'],
      ['reserveCar', 'compensated'],
    ]);
    const types = await eventTypes(input.tripId);
    expect([...types.slice(1, 4)].sort()).toEqual(['BookingUnavailable', 'CarReserved', 'FlightReserved']);
    expect([types[0], ...types.slice(4)]).toEqual(['TripRequested', 'CarCancelled', 'FlightCancelled', 'SagaFailed']);
    expect(await bookings(input.tripId)).toEqual([
      ['car', 'cancelled'],
      ['flight', 'cancelled'],
    ]);
    expect(await calls('cancelHotel', input.tripId)).toBe(0);
    expect(await calls('chargeCard', input.tripId)).toBe(0);
    expect(await charges(input.tripId)).toEqual([]);
  });

  it('cancels all three bookings, car first, when the card is declined', async () => {
    const input = await trip({ declinePayment: true });
    await trips.startTrip(input);

    const result = await trips.awaitTripResult(input.tripId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'chargeCard', type: 'BusinessRejection' } });
    const types = await eventTypes(input.tripId);
    expect([...types.slice(1, 4)].sort()).toEqual([...RESERVED].sort());
    expect([types[0], ...types.slice(4)]).toEqual(['TripRequested', 'CardDeclined', 'CarCancelled', 'HotelCancelled', 'FlightCancelled', 'SagaFailed']);
    expect(await bookings(input.tripId)).toEqual([
      ['car', 'cancelled'],
      ['flight', 'cancelled'],
      ['hotel', 'cancelled'],
    ]);
    expect(await charges(input.tripId)).toEqual([]);
  });

  it('when the card service stays down, finds no charge to refund and cancels all three bookings', async () => {
    const input = await trip({ fail: { chargeCard: 'always' } });
    await trips.startTrip(input);

    const result = await trips.awaitTripResult(input.tripId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'chargeCard' } });
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['reserveFlight', 'compensated'],
      ['reserveHotel', 'compensated'],
      ['reserveCar', 'compensated'],
      ['chargeCard', 'nothing_to_undo'],
    ]);
    expect((await eventTypes(input.tripId)).slice(4)).toEqual(['CarCancelled', 'HotelCancelled', 'FlightCancelled', 'SagaFailed']);
    expect(await bookings(input.tripId)).toEqual([
      ['car', 'cancelled'],
      ['flight', 'cancelled'],
      ['hotel', 'cancelled'],
    ]);
  });

  it('cancels the bookings when the trip is cancelled mid-charge, and ends as cancelled', async () => {
    const input = await trip({ hang: ['chargeCard'] });
    await trips.startTrip(input);
    await waitFor(async () => (await trips.getTripState(input.tripId)).steps.some((s) => s.name === 'chargeCard'));

    await trips.cancelTrip(input.tripId);

    await expect(trips.awaitTripResult(input.tripId)).rejects.toThrow(WorkflowFailedError);
    expect((await eventTypes(input.tripId)).slice(4)).toEqual(['CarCancelled', 'HotelCancelled', 'FlightCancelled', 'SagaFailed']);
    expect((await trips.getTripState(input.tripId)).failure).toMatchObject({ type: 'Cancelled' });
    expect(await bookings(input.tripId)).toEqual([
      ['car', 'cancelled'],
      ['flight', 'cancelled'],
      ['hotel', 'cancelled'],
    ]);
    expect(await charges(input.tripId)).toEqual([]);
  });

  it('parks a cancellation that keeps failing until an operator resolves it', async () => {
    const input = await trip({ declinePayment: true, fail: { cancelHotel: 'always' } });
    await trips.startTrip(input);
    await waitFor(async () => (await trips.getTripState(input.tripId)).status === 'COMPENSATION_FAILED');

    await trips.resolveCompensation(input.tripId, { note: 'hotel cancelled by phone', resolvedBy: 'ops@example.com' });
    const result = await trips.awaitTripResult(input.tripId);

    expect(result.outcome).toBe('COMPENSATION_FAILED');
    expect(result.resolutions).toEqual([{ step: 'reserveHotel', note: 'hotel cancelled by phone', resolvedBy: 'ops@example.com' }]);
    expect((await eventTypes(input.tripId)).slice(4)).toEqual(['CardDeclined', 'CarCancelled', 'SagaCompensationFailed', 'SagaCompensationResolved', 'FlightCancelled', 'SagaFailed']);
  });

  it('refuses invalid input listing every issue, and starts nothing', async () => {
    const tripId = randomUUID();
    const attempt = trips.startTrip({
      tripId,
      customerId: 'cust-9',
      flight: { from: 'LIS', to: 'LIS', priceCents: 100 },
      hotel: { city: 'oslo', nights: 61, priceCents: 100 },
      car: { city: 'oslo', days: 0, priceCents: -1 },
      currency: 'eur',
    });

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({
      issues: expect.arrayContaining([
        { field: 'flight.to', rule: 'must differ from from' },
        { field: 'hotel.nights', rule: 'must be at most 60' },
        { field: 'car.days', rule: 'must be at least 1' },
        { field: 'car.priceCents', rule: 'must not be negative' },
        { field: 'currency', rule: 'must be an ISO 4217 code like USD' },
      ]),
    });
    await expect(trips.startTrip({ ...(await trip()), flight: { from: 'LIS', to: 'OSL', priceCents: 0 }, hotel: { city: 'oslo', nights: 1, priceCents: 0 }, car: { city: 'oslo', days: 1, priceCents: 0 } })).rejects.toThrow(
      /the trip total must be more than 0/,
    );
    await expect(rig.temporal.client.workflow.getHandle(tripWorkflowId(tripId)).describe()).rejects.toThrow(/not found/i);
  });
  it('folds trips into trip_summary: what was booked and charged, and where it failed', async () => {
    const [ok, unavailable] = [await trip(), await trip({ unavailable: ['reserveHotel'] })];
    for (const input of [ok, unavailable]) await trips.startTrip(input);
    const [done] = await Promise.all([trips.awaitTripResult(ok.tripId), trips.awaitTripResult(unavailable.tripId)]);

    await catchUp(db.pool, [tripSummary]);

    const { rows } = await db.pool.query(
      `select trip_id, status, outcome, total_cents::int as total, flight_booking_id, hotel_booking_id, car_booking_id, charge_id, failed_step, last_event_type
         from ${tripSummary.tableNames.trip_summary} where trip_id = any($1) order by status`,
      [[ok.tripId, unavailable.tripId]],
    );
    const { flightBookingId, hotelBookingId, carBookingId, chargeId } = done.value!;
    expect(rows).toEqual([
      {
        trip_id: unavailable.tripId,
        status: 'COMPENSATED',
        outcome: 'COMPENSATED',
        total: 75_900,
        flight_booking_id: expect.any(String),
        hotel_booking_id: null,
        car_booking_id: expect.any(String),
        charge_id: null,
        failed_step: 'reserveHotel',
        last_event_type: 'SagaFailed',
      },
      {
        trip_id: ok.tripId,
        status: 'COMPLETED',
        outcome: 'COMPLETED',
        total: 75_900,
        flight_booking_id: flightBookingId,
        hotel_booking_id: hotelBookingId,
        car_booking_id: carBookingId,
        charge_id: chargeId,
        failed_step: null,
        last_event_type: 'SagaCompleted',
      },
    ]);
  });
  it('sagaflow trips start --file and trips status: the run and its step table, bad input exit 2, an unknown trip exit 1', async () => {
    const sagaflow = (...args: string[]) => runSagaflow(args, cliEnv(db, rig));
    const input = await trip();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trip-')), 'trip.json');
    fs.writeFileSync(file, JSON.stringify(input));

    const started = await sagaflow('trips', 'start', '--file', file, '--json');

    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(started.stdout)).toMatchObject({ tripId: input.tripId, workflowId: tripWorkflowId(input.tripId), started: true });
    await trips.awaitTripResult(input.tripId);
    const status = await sagaflow('trips', 'status', input.tripId);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^trip ${input.tripId} \\(workflow trip-${input.tripId}\\): COMPLETED\n`));
    expect(status.stdout).toMatch(/reserveHotel +done +Reserve 3 nights in oslo/);
    fs.writeFileSync(file, JSON.stringify({ ...input, currency: 'eur' }));
    expect(await sagaflow('trips', 'start', '--file', file)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: invalid trip: currency: must be an ISO 4217 code like USD/) });
    expect(await sagaflow('trips', 'status', 'no-such-trip')).toMatchObject({ code: 1, stderr: expect.stringMatching(/trip no-such-trip not found/) });
  });

  it('sagaflow trips cancel and trips list: a running trip is cancelled and undone, a finished one is a failed check, both are listed', async () => {
    const sagaflow = (...args: string[]) => runSagaflow(args, cliEnv(db, rig));
    const running = await trip({ hang: ['chargeCard'] });
    await trips.startTrip(running);
    await waitFor(async () => (await trips.getTripState(running.tripId)).steps.some((s) => s.name === 'chargeCard'));

    const cancelled = await sagaflow('trips', 'cancel', running.tripId);

    expect(cancelled).toMatchObject({
      code: 0,
      stdout: `cancellation requested for trip ${running.tripId} (workflow trip-${running.tripId}): it undoes what it did, then ends as cancelled\n`,
    });
    await expect(trips.awaitTripResult(running.tripId)).rejects.toThrow();
    expect(await eventTypes(running.tripId)).toEqual(expect.arrayContaining(['FlightCancelled', 'HotelCancelled', 'CarCancelled']));
    const again = await sagaflow('trips', 'cancel', running.tripId);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toMatch(new RegExp(`^error: trip ${running.tripId} has already ended \\(`));
    await waitFor(async () =>
      (JSON.parse((await sagaflow('trips', 'list', '--json')).stdout) as Array<{ tripId: string; executionStatus: string }>).some(
        (run) => run.tripId === running.tripId && run.executionStatus === 'CANCELLED',
      ),
    );
    const table = await sagaflow('trips', 'list', '--limit', '100');
    expect(table.stdout).toMatch(/^TRIP\s+SAGA STATUS\s+EXECUTION\s+STARTED\s+CLOSED\n/);
    expect(table.stdout).toMatch(new RegExp(`${running.tripId}\\s+\\S+\\s+CANCELLED`));
    expect(await sagaflow('trips', 'list', '--status', 'DONE')).toMatchObject({ code: 2 });
  });

  it('runs every replay scenario to its end, and each history replays against the current code', async () => {
    const context = { client: rig.temporal.client, taskQueue: rig.temporal.taskQueue, pool: db.pool, faults: simulatedFaults(db.pool) };
    const ended = await Promise.all(
      tripScenarios.map(async (scenario) => {
        const workflowId = await scenario.run(context, `${scenario.name}-${randomUUID()}`);
        const handle = rig.temporal.client.workflow.getHandle(workflowId);
        const { status } = await handle.describe();
        // The parallel group's replies arrive in any order: replay must meet the commands it recorded.
        await Worker.runReplayHistory({ workflowBundle: rig.temporal.workflowBundle, replayName: `trip-${scenario.name}` }, await handle.fetchHistory(), workflowId);
        return [scenario.name, status.name];
      }),
    );
    expect(ended).toEqual([
      // A compensated trip ends Failed (SagaCompensated), a completed one Completed: the Web UI tells them apart.
      ['completed', 'COMPLETED'],
      ['hotel-unavailable', 'FAILED'],
      ['charge-declined', 'FAILED'],
      ['compensation-failed-then-resolved', 'FAILED'],
      ['cancelled', 'CANCELLED'],
    ]);
  });
});
