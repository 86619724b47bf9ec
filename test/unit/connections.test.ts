import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPool, postgresConnection, temporalConnectionOptions } from '../../src/config/connections';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-connections-'));
const file = (name: string) => {
  const at = path.join(dir, name);
  fs.writeFileSync(at, `-----${name}-----\n`);
  return at;
};
const ca = file('ca.pem');
const cert = file('client.pem');
const key = file('client.key');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('postgresConnection', () => {
  it('passes a URL without TLS settings through, leaving TLS off', () => {
    expect(postgresConnection('postgres://app:pw@db:5432/orders')).toEqual({ connectionString: 'postgres://app:pw@db:5432/orders' });
  });

  it('sslmode=disable turns TLS off explicitly', () => {
    expect(postgresConnection('postgres://db/orders?sslmode=disable')).toEqual({ connectionString: 'postgres://db/orders', ssl: false });
  });

  it.each(['require', 'verify-full'])('sslmode=%s verifies the chain and the host name against the system trust store', (mode) => {
    const connection = postgresConnection(`postgres://db/orders?sslmode=${mode}&application_name=x`);
    expect(connection).toEqual({ connectionString: 'postgres://db/orders?application_name=x', ssl: { rejectUnauthorized: true } });
  });

  it('sslmode=verify-ca verifies the chain against DATABASE_SSL_CA but not the host name', () => {
    const { ssl } = postgresConnection('postgres://10.0.0.5/orders?sslmode=verify-ca', { databaseSslCaPath: ca });
    expect(ssl).toMatchObject({ rejectUnauthorized: true, ca: '-----ca.pem-----\n' });
    expect((ssl as { checkServerIdentity: () => unknown }).checkServerIdentity()).toBeUndefined();
  });

  it('a CA without sslmode means verify-full with that CA', () => {
    expect(postgresConnection('postgres://db/orders', { databaseSslCaPath: ca })).toEqual({
      connectionString: 'postgres://db/orders',
      ssl: { rejectUnauthorized: true, ca: '-----ca.pem-----\n' },
    });
  });

  it('builds pools that carry the TLS options', async () => {
    const pool = createPool('postgres://db/orders?sslmode=require', { databaseSslCaPath: ca }, { max: 3 });
    expect(pool.options).toMatchObject({ connectionString: 'postgres://db/orders', ssl: { rejectUnauthorized: true, ca: '-----ca.pem-----\n' }, max: 3 });
    await pool.end();
  });
});

describe('temporalConnectionOptions', () => {
  it('connects in plain text without TLS settings', () => {
    expect(temporalConnectionOptions('localhost:7233')).toEqual({ address: 'localhost:7233' });
  });

  it('mutual TLS: the client certificate pair, the CA and the server name', () => {
    expect(temporalConnectionOptions('temporal.internal:7233', { temporalTls: { clientCertPath: cert, clientKeyPath: key, caPath: ca, serverName: 'frontend.temporal' } })).toEqual({
      address: 'temporal.internal:7233',
      tls: {
        serverNameOverride: 'frontend.temporal',
        serverRootCACertificate: fs.readFileSync(ca),
        clientCertPair: { crt: fs.readFileSync(cert), key: fs.readFileSync(key) },
      },
    });
  });

  it('server TLS only, with a private CA', () => {
    expect(temporalConnectionOptions('temporal.internal:7233', { temporalTls: { caPath: ca } })).toEqual({
      address: 'temporal.internal:7233',
      tls: { serverRootCACertificate: fs.readFileSync(ca) },
    });
  });

  it('an API key (Temporal Cloud) implies TLS with the system trust store', () => {
    expect(temporalConnectionOptions('eu-west-1.aws.api.temporal.io:7233', { temporalTls: { apiKey: 'key-123' } })).toEqual({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      tls: {},
      apiKey: 'key-123',
    });
  });
});
