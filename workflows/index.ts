// The worker's workflow bundle: every workflow type the saga worker serves is exported here.
export { ping } from './ping';
export { orderFulfillment } from './orderFulfillment';
export { moneyTransfer } from './moneyTransfer';
export { tripBooking } from '../processes/tripBooking/workflow';
