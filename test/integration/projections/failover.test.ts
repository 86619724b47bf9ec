import { projectionStatus } from '../../../src/projections';
import { readModels } from '../../support/readModels';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';
import { spawnProjectionWorker, type ProjectionWorkerProcess } from '../../support/projectionWorkerProcess';
import { applicationCounter, applications, eventIds } from '../../support/projections';
import { waitFor } from '../../support/waitFor';

describe('two projection workers on one database', () => {
  const db = useTestDatabase();
  const workers: ProjectionWorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
  });
  const allProjections = [...readModels, applicationCounter].map((p) => p.name).sort();
  const appendOrders = async (count: number) => {
    const store = testEventStore(db);
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = 0; i < count / 4; i++) await appendOrder(store, i % 2 ? 'completed' : 'declined');
    }));
  };
  const caughtUp = async () => (await projectionStatus(db.pool)).every((s) => s.lagEvents === 0);
  const expectEveryEventAppliedOnce = async () => {
    const counted = await applications(db.pool);
    expect([...counted.keys()].sort()).toEqual((await eventIds(db.pool, applicationCounter.eventTypes)).sort());
    expect([...counted.values()].filter((times) => times !== 1)).toEqual([]);
  };

  it('racing, each projection is applied by one of them and every event once; the standby takes over when the owner stops', async () => {
    const [first, second] = await Promise.all([spawnProjectionWorker(db.url, { BATCH_SIZE: '5' }), spawnProjectionWorker(db.url, { BATCH_SIZE: '5' })]);
    workers.push(first, second);
    await appendOrders(40);
    await waitFor(caughtUp, 30_000);

    const owned = async (worker: ProjectionWorkerProcess) => (await worker.health()).owned.map((o) => o.name);
    const [ownedByFirst, ownedBySecond] = [await owned(first), await owned(second)];
    expect([...ownedByFirst, ...ownedBySecond].sort()).toEqual(allProjections);
    await expectEveryEventAppliedOnce();

    // Stop whichever owns the counter; its batch finishes, it exits cleanly, the other takes over.
    const [owner, standby] = ownedByFirst.includes(applicationCounter.name) ? [first, second] : [second, first];
    const appending = appendOrders(40);
    await owner.stop();
    expect(await owner.exited).toBe(0);
    await appending;
    await waitFor(caughtUp, 30_000);

    expect((await owned(standby)).sort()).toEqual(allProjections);
    expect((await projectionStatus(db.pool)).every((s) => s.owned)).toBe(true);
    await expectEveryEventAppliedOnce();
  }, 90_000);

  it('the standby also takes over from a worker that dies without a word (SIGKILL)', async () => {
    const standby = await spawnProjectionWorker(db.url, { BATCH_SIZE: '5' });
    workers.push(standby);
    const owner = workers.find((w) => w !== standby && w.child.exitCode === null && w.child.signalCode === null)!;
    expect((await standby.health()).owned).toEqual([]);

    owner.child.kill('SIGKILL');
    expect(await owner.exited).toBe('SIGKILL');
    await appendOrders(20);
    await waitFor(caughtUp, 30_000);

    expect((await standby.health()).owned.map((o) => o.name).sort()).toEqual(allProjections);
    await expectEveryEventAppliedOnce();
  }, 60_000);
});
