import { z } from 'zod';
import { defineEvent, EncryptionKeyError, MasterKey, PersonalDataDeclarationError, personalDataFromEnv } from '../../../src/eventstore';

describe('personal field declarations', () => {
  const schema = z.object({ orderId: z.string(), customerId: z.string(), shipTo: z.object({ street: z.string() }).optional(), total: z.number() });

  it('accepts fields and nested paths the payload has', () => {
    const contract = defineEvent('Placed', 1, schema, { personal: { subject: 'customerId', fields: ['customerId', 'shipTo.street'] } });
    expect(contract.personal).toEqual([{ subject: 'customerId', fields: ['customerId', 'shipTo.street'] }]);
  });

  it('takes one list of fields per subject when an event names several', () => {
    const transfer = z.object({ fromAccount: z.string(), toAccount: z.string() });
    const personal = [
      { subject: 'fromAccount', fields: ['fromAccount'] },
      { subject: 'toAccount', fields: ['toAccount'] },
    ];
    expect(defineEvent('Moved', 1, transfer, { personal }).personal).toEqual(personal);
    expect(() => defineEvent('Moved', 1, transfer, { personal: [personal[0]!, { subject: 'toAccount', fields: ['fromAccount'] }] })).toThrow(
      'contract Moved v1: personal[1].fields lists fromAccount twice: a field belongs to one subject',
    );
  });

  it.each([
    [{ subject: 'customerId', fields: ['customer'] }, 'contract Placed v1: personal.fields names no field of the payload: "customer"'],
    [{ subject: 'clientId', fields: ['customerId'] }, 'contract Placed v1: personal.subject names no field of the payload: "clientId"'],
    [{ subject: 'total', fields: ['customerId'] }, "contract Placed v1: personal.subject total must be a string field (the subject's id)"],
    [{ subject: 'customerId', fields: [] }, 'contract Placed v1: personal.fields must list at least one field path'],
    [{ subject: 'customerId', fields: ['shipTo', 'shipTo.street'] }, 'contract Placed v1: personal.fields lists shipTo.street and shipTo, one inside the other: list the outer one'],
  ])('refuses %j naming the field and the rule', (personal, message) => {
    expect(() => defineEvent('Placed', 1, schema, { personal })).toThrow(PersonalDataDeclarationError);
    expect(() => defineEvent('Placed', 1, schema, { personal })).toThrow(message);
  });
});

describe('SAGAFLOW_ENCRYPTION_KEY', () => {
  it.each([
    ['not base64!', 'SAGAFLOW_ENCRYPTION_KEY must be base64 of 32 random bytes (make one with `openssl rand -base64 32`); it is not base64'],
    [Buffer.alloc(16).toString('base64'), 'SAGAFLOW_ENCRYPTION_KEY must be base64 of 32 random bytes (make one with `openssl rand -base64 32`); it holds 16 bytes'],
  ])('refuses %s with a typed error naming the variable and the rule', (value, message) => {
    expect(() => MasterKey.parse(value)).toThrow(EncryptionKeyError);
    expect(() => MasterKey.parse(value)).toThrow(message);
  });

  it('is refused unset in production, and leaves personal fields plain elsewhere', () => {
    const pool = {} as never;
    expect(() => personalDataFromEnv(pool, { NODE_ENV: 'production' })).toThrow(
      'SAGAFLOW_ENCRYPTION_KEY must be set when NODE_ENV=production: personal fields would be stored in plain and could never be erased',
    );
    expect(personalDataFromEnv(pool, { NODE_ENV: 'development' })).toBeUndefined();
    expect(personalDataFromEnv(pool, { SAGAFLOW_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') })).toBeDefined();
  });

  it('gives one subject one reference, and different keys different references', () => {
    const a = MasterKey.parse(Buffer.alloc(32, 1).toString('base64'));
    const b = MasterKey.parse(Buffer.alloc(32, 2).toString('base64'));
    expect(a.subjectRef('cust-1')).toBe(a.subjectRef('cust-1'));
    expect(a.subjectRef('cust-1')).not.toBe(b.subjectRef('cust-1'));
    expect(a.subjectRef('cust-1')).toMatch(/^[0-9a-f]{64}$/);
  });
});
