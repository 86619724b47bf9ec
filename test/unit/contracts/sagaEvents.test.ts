import { sagaEventContracts } from '../../../src/contracts/sagaEvents';
import { ContractRegistry, EventValidationError } from '../../../src/eventstore';

describe('the saga events', () => {
  const registry = new ContractRegistry(sagaEventContracts);

  it('carry the saga type, their own fields and the run’s subject, as written', () => {
    const data = { sagaType: 'TripBooking', tripId: 't-1', step: 'reserveCar', error: 'down', attempts: 10 };
    expect(registry.validate('SagaCompensationFailed', data, 0)).toEqual({ schemaVersion: 1, data });
    expect(registry.validate('SagaFailed', { sagaType: 'OrderFulfillment', orderId: 'o-1', reason: 'declined' }, 0).data).toEqual({ sagaType: 'OrderFulfillment', orderId: 'o-1', reason: 'declined' });
  });

  it.each([
    ['a subject field that is no string', { sagaType: 'TripBooking', tripId: 7 }, /data\.tripId: must be a business key: a string of 1 to 200 characters/],
    ['an empty subject field', { sagaType: 'TripBooking', tripId: '' }, /data\.tripId: must be a business key/],
    ['no saga type', { tripId: 't-1' }, /data\.sagaType: /],
  ])('refuse %s, naming the field', (_case, data, message) => {
    const attempt = () => registry.validate('SagaCompleted', data, 0);
    expect(attempt).toThrow(EventValidationError);
    expect(attempt).toThrow(message);
  });

  it('check their own fields by their own rules, not as subject keys', () => {
    expect(() => registry.validate('SagaCompensationFailed', { sagaType: 'T', step: 's', error: 'e', attempts: 'ten' }, 0)).toThrow(/data\.attempts: /);
  });
});
