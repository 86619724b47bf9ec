import type { Client } from '@temporalio/client';
import type { SimulatedBank, SimulatedFaults } from '../../../src/adapters';
import type { OrderClient, TransferClient } from '../../../src/client';

export interface ScenarioClients {
  client: Client;
  /** The task queue the recording worker serves, for a scenario that starts a run past the sagaflow clients. */
  taskQueue: string;
  orders: OrderClient;
  transfers: TransferClient;
  /** To open the accounts a transfer scenario moves money between. */
  bank: SimulatedBank;
  /** To store a scenario's fault plan before its run starts. */
  faults: SimulatedFaults;
}

/** One way a saga can end, driven against a real worker so its history can be recorded. */
export interface Scenario {
  /** Becomes part of the business key, so the file name (the workflow id) says what it holds. */
  name: string;
  /** Starts the run and drives it to its end (signals, cancellation); returns its workflow id. */
  run(clients: ScenarioClients, businessKey: string): Promise<string>;
}
