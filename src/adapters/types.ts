/**
 * The external services the sagas talk to. sagaflow ships simulated ones on PostgreSQL tables
 * (src/adapters/simulated*); a deployment replaces them with adapters for its real inventory,
 * payment, shipping and banking providers. Every call carries an idempotency key: a repeated call with the
 * same key returns the first call's result and has no further effect.
 */

export interface OrderLine {
  sku: string;
  quantity: number;
}

/**
 * An operation of a simulated service, by the name fault plans and the call ledger use
 * (`reserveInventory`). Each simulated service lists its own (INVENTORY_OPERATIONS, …), and each
 * process declares those its steps call (`SagaProcess.simulatedOperations`): a fault plan may name
 * only operations of the deployment's processes.
 */
export type Operation = string;

/**
 * Faults the simulated services inject, so demos and tests can exercise every path. A plan is not
 * part of any call: it is stored with the simulated services under an idempotency key prefix
 * (SimulatedFaults.plan, table sim_fault_plans) and applies to the calls whose keys are that
 * prefix or continue it after the ':' it ends with, such as every call of one saga run
 * (`order-123:`); the longest matching prefix wins. Adapters for real services know nothing of it.
 */
export interface FaultPlan {
  /** The operation fails with a retryable outage this many times (per idempotency key), then succeeds; 'always' never succeeds. */
  fail?: Partial<Record<Operation, number | 'always'>>;
  /** The operation hangs (longer than any activity timeout) on its first attempt, then behaves. */
  hang?: Operation[];
  /** authorizePayment (and the travel service's chargeCard) declines: a business rejection, never retried. */
  declinePayment?: boolean;
  /** screenOrder finds the customer on its watch list: a high fraud score. */
  flagFraud?: boolean;
  /** These reservations find nothing free (a business rejection, never retried), e.g. `['reserveHotel']`. */
  unavailable?: Operation[];
  /**
   * The worker dies right after this operation's effect, on its first attempt. The simulated
   * services only store it; the worker side reads it (SimulatedFaults.planFor) and acts on it.
   */
  crashWorkerAfter?: Operation;
}

/** What every call carries besides its parameters. */
export interface CallContext {
  idempotencyKey: string;
}

/** Transport options of a call: the activity's cancellation signal ends a call it no longer waits for. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface InventoryService {
  /** Reserves stock for the lines; throws BusinessRejection('out_of_stock') when there is not enough. */
  reserve(call: CallContext & { orderId: string; items: OrderLine[] }, options?: CallOptions): Promise<{ reservationId: string }>;
  /** Returns the reserved stock; releasing an unknown or already released reservation is a no-op. */
  release(call: CallContext & { orderId: string; reservationId: string }, options?: CallOptions): Promise<void>;
  /** The reservation made by the reserve call with this key, if it succeeded: for a compensation whose action's reply was lost. */
  findReservation(idempotencyKey: string): Promise<string | undefined>;
}

export interface PaymentService {
  /** Holds the amount on the customer's card; throws BusinessRejection('payment_declined') when declined. */
  authorize(call: CallContext & { orderId: string; customerId: string; amountCents: number; currency: string }, options?: CallOptions): Promise<{ paymentId: string }>;
  /** Releases an authorization that was not captured; a no-op when there is none. */
  void(call: CallContext & { paymentId: string }, options?: CallOptions): Promise<void>;
  /** Takes the authorized amount. */
  capture(call: CallContext & { paymentId: string; amountCents: number }, options?: CallOptions): Promise<void>;
  /** Gives captured money back. */
  refund(call: CallContext & { paymentId: string; amountCents: number }, options?: CallOptions): Promise<void>;
  /** The payment authorized by the call with this key, if it succeeded. */
  findPayment(idempotencyKey: string): Promise<string | undefined>;
  /** Whether the capture call with this key succeeded. */
  findCapture(idempotencyKey: string): Promise<boolean>;
}

/** How risky an order looks: a score from 0 (clean) to 100, and what raised it. */
export interface FraudAssessment {
  score: number;
  reasons: string[];
}

export interface FraudScreeningService {
  /** Scores the order; it has no effect to undo. */
  screen(call: CallContext & { orderId: string; customerId: string; amountCents: number }, options?: CallOptions): Promise<FraudAssessment>;
}

export interface ShippingService {
  createShipment(call: CallContext & { orderId: string; items: OrderLine[] }, options?: CallOptions): Promise<{ shipmentId: string; carrier: string }>;
  /** Cancels a shipment; a no-op when it does not exist or is already cancelled. */
  cancelShipment(call: CallContext & { shipmentId: string }, options?: CallOptions): Promise<void>;
  /** The shipment created by the call with this key, if it succeeded. */
  findShipment(idempotencyKey: string): Promise<string | undefined>;
}

export interface BankService {
  /**
   * Takes the amount out of the account and holds it in flight for this transfer. Throws
   * BusinessRejection('insufficient_funds') or ('account_unavailable': unknown or closed).
   */
  withdraw(
    call: CallContext & { transferId: string; accountId: string; amountCents: number; currency: string },
    options?: CallOptions,
  ): Promise<{ withdrawalId: string }>;
  /**
   * Pays the withdrawal's money into the account. Throws BusinessRejection('account_unavailable')
   * when the account is unknown or closed, ('invalid_request') when the withdrawal was refunded.
   */
  deposit(
    call: CallContext & { transferId: string; withdrawalId: string; accountId: string; amountCents: number; currency: string },
    options?: CallOptions,
  ): Promise<{ depositId: string }>;
  /**
   * Gives a withdrawal's money back to its account. Refunding an unknown or already refunded
   * withdrawal is a no-op; a deposited one cannot be refunded (BusinessRejection('invalid_request')).
   */
  refund(call: CallContext & { transferId: string; withdrawalId: string }, options?: CallOptions): Promise<void>;
  /** The withdrawal made by the call with this key, if it succeeded: for a refund whose withdraw reply was lost. */
  findWithdrawal(idempotencyKey: string): Promise<string | undefined>;
}

/**
 * A service said no for a business reason (declined card, no stock, no funds). Retrying cannot
 * help: the saga compensates instead. Anything else thrown by an adapter is an outage and retried.
 */
export class BusinessRejection extends Error {
  override name = 'BusinessRejection';
  constructor(
    readonly reason: 'payment_declined' | 'out_of_stock' | 'insufficient_funds' | 'account_unavailable' | 'unavailable' | 'invalid_request',
    message: string,
  ) {
    super(message);
  }
}

/** A simulated outage (connection refused, 503); retryable. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
}
