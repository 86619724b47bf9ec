import { randomUUID } from 'node:crypto';
import { createTripClient } from '../../processes/tripBooking/client';
import type { TripInput } from '../../processes/tripBooking/contracts';
import { tripWorkflowId } from '../../processes/tripBooking/workflow';
import { useTestDatabase } from '../support/database';
import { testEventStore } from '../support/eventStore';
import { planFaults } from '../support/faults';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';
import { spawnSagaWorker, type WorkerProcess } from '../support/workerProcess';

describe('trip booking: a worker SIGKILLed inside the parallel group', () => {
  const db = useTestDatabase();
  let temporal: TestTemporal;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await temporal?.close();
  });

  const start = async (taskQueue: string) => {
    const worker = await spawnSagaWorker({ databaseUrl: db.url, taskQueue, crashOnPlan: true });
    workers.push(worker);
    return worker;
  };

  it('killed right after the hotel is booked, before its event: a second worker finishes, each booking and each event once', async () => {
    const taskQueue = `trip-crash-${randomUUID()}`;
    const trips = createTripClient({ client: temporal.client, taskQueue });
    const tripId = randomUUID();
    await planFaults(db.pool, tripWorkflowId(tripId), { crashWorkerAfter: 'reserveHotel' });
    const input: TripInput = {
      tripId,
      customerId: 'cust-3',
      flight: { from: 'OPO', to: 'CPH', priceCents: 15_000 },
      hotel: { city: 'copenhagen', nights: 2, priceCents: 30_000 },
      car: { city: 'copenhagen', days: 2, priceCents: 9_000 },
      currency: 'EUR',
    };
    const first = await start(taskQueue);

    await trips.startTrip(input);
    expect(await first.exited).toBe('SIGKILL');
    // The hotel is booked, and its event is not in the stream: the crash fell between the two.
    const { rows: booked } = await db.pool.query<{ n: number }>(`select count(*)::int as n from sim_travel_bookings where trip_id = $1 and kind = 'hotel'`, [tripId]);
    expect(booked[0]!.n).toBe(1);
    expect((await testEventStore(db).readStream(`Trip-${tripId}`)).map((e) => e.type)).not.toContain('HotelReserved');
    await start(taskQueue);
    const result = await trips.awaitTripResult(tripId);

    expect(result.outcome).toBe('COMPLETED');
    const types = (await testEventStore(db).readStream(`Trip-${tripId}`)).map((e) => e.type);
    expect([...types].sort()).toEqual(['CarReserved', 'CardCharged', 'FlightReserved', 'HotelReserved', 'SagaCompleted', 'TripRequested'].sort());
    expect(types.slice(4)).toEqual(['CardCharged', 'SagaCompleted']);
    const { rows } = await db.pool.query<{ kind: string; n: number }>('select kind, count(*)::int as n from sim_travel_bookings where trip_id = $1 group by kind order by kind', [tripId]);
    expect(rows).toEqual([
      { kind: 'car', n: 1 },
      { kind: 'flight', n: 1 },
      { kind: 'hotel', n: 1 },
    ]);
    expect(result.value!.hotelBookingId).toBeDefined();
    const { rows: hotel } = await db.pool.query<{ booking_id: string }>(`select booking_id from sim_travel_bookings where trip_id = $1 and kind = 'hotel'`, [tripId]);
    expect(result.value!.hotelBookingId).toBe(hotel[0]!.booking_id);
    const { rows: charged } = await db.pool.query<{ n: number }>('select count(*)::int as n from sim_travel_charges where trip_id = $1', [tripId]);
    expect(charged[0]!.n).toBe(1);
  }, 90_000);
});
