import { parseDuration } from '../../../src/config/duration';
import { ConfigError, loadProjectionMaxLag, loadSagaStuckAfter } from '../../../src/config/env';
import { DEFAULT_STUCK_AFTER_MS, stuckAfterResolver } from '../../../src/read-models/sagaStats';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['30d', 2_592_000_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5', '5 sec', '1w', '2 d', '-1s', '0s', '0.0001s', 's', '1e3ms', ''])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());

  const names = ['order_summary', 'saga_outcomes', 'trip_summary'];

  it('SAGAFLOW_PROJECTION_MAX_LAG sets lags by projection, and a bad entry is named', () => {
    expect(loadProjectionMaxLag(names, { SAGAFLOW_PROJECTION_MAX_LAG: 'order_summary=2s, saga_outcomes=1m' })).toEqual({ order_summary: 2_000, saga_outcomes: 60_000 });
    expect(loadProjectionMaxLag(names, {})).toEqual({});
    const bad = () => loadProjectionMaxLag(names, { SAGAFLOW_PROJECTION_MAX_LAG: 'order_summary=2s,trip_summary=soon' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/SAGAFLOW_PROJECTION_MAX_LAG: "trip_summary=soon": each entry must be <projection>=<duration>/);
  });

  it('SAGAFLOW_PROJECTION_MAX_LAG may only name projections of the deployment', () => {
    const misspelt = () => loadProjectionMaxLag(names, { SAGAFLOW_PROJECTION_MAX_LAG: 'order_sumary=2s' });
    expect(misspelt).toThrow(ConfigError);
    expect(misspelt).toThrow('SAGAFLOW_PROJECTION_MAX_LAG: "order_sumary" is not a projection of this deployment, whose projections are order_summary, saga_outcomes, trip_summary');
  });
});

describe('SAGAFLOW_SAGA_STUCK_AFTER', () => {
  const types = ['OrderFulfillment', 'TripBooking'];

  it('sets one deadline for every saga type and others by type', () => {
    expect(loadSagaStuckAfter(types, { SAGAFLOW_SAGA_STUCK_AFTER: '30m, TripBooking=2h' })).toEqual({ allMs: 1_800_000, byType: { TripBooking: 7_200_000 } });
    expect(loadSagaStuckAfter(types, {})).toEqual({ byType: {} });
    const of = stuckAfterResolver(loadSagaStuckAfter(types, { SAGAFLOW_SAGA_STUCK_AFTER: 'TripBooking=2h' }));
    expect([of('TripBooking'), of('OrderFulfillment')]).toEqual([7_200_000, DEFAULT_STUCK_AFTER_MS]);
  });

  it.each(['soon', '30m,1h', 'TripBooking=', '=5m', 'TripBooking=5m=6m'])('refuses %j, naming the entry and the rule', (value) => {
    const load = () => loadSagaStuckAfter(types, { SAGAFLOW_SAGA_STUCK_AFTER: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/SAGAFLOW_SAGA_STUCK_AFTER: ".*": each entry must be <duration> \(once, for every saga type\) or <SagaType>=<duration>/);
  });

  it('refuses a saga type the deployment does not run', () => {
    expect(() => loadSagaStuckAfter(types, { SAGAFLOW_SAGA_STUCK_AFTER: 'Orders=5m' })).toThrow(
      'SAGAFLOW_SAGA_STUCK_AFTER: "Orders" is not a saga type of this deployment, whose saga types are OrderFulfillment, TripBooking',
    );
  });
});
