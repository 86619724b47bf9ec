/**
 * The composition root: the business processes this deployment runs. The saga worker, the projection
 * worker, the CLI, the history recorder and the local stack all read this one list; a new process is
 * a folder of its own plus a line here.
 */
import { composeProcesses } from '../api/worker';
import { moneyTransfer } from './moneyTransfer';
import { orderFulfillment } from './orderFulfillment';
import { tripBooking } from './tripBooking';

export const composition = composeProcesses([orderFulfillment, moneyTransfer, tripBooking]);
