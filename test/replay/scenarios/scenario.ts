import type { Client } from '@temporalio/client';
import type { OrderClient } from '../../../src/client';

export interface ScenarioClients {
  client: Client;
  orders: OrderClient;
}

/** One way a saga can end, driven against a real worker so its history can be recorded. */
export interface Scenario {
  /** Becomes part of the business key, so the file name (the workflow id) says what it holds. */
  name: string;
  /** Starts the run and drives it to its end (signals, cancellation); returns its workflow id. */
  run(clients: ScenarioClients, businessKey: string): Promise<string>;
}
