import type pg from 'pg';
import { CallLedger, type SimulationOptions } from './simulatedCalls';
import type { CallContext, CallOptions, FraudAssessment, FraudScreeningService } from './types';

/** Orders at or above this total look unusual on their own. */
export const LARGE_ORDER_CENTS = 1_000_000;

/** The operations fault plans can name for this service. */
export const FRAUD_SCREENING_OPERATIONS = ['screenOrder'] as const;

/**
 * A rules-based fraud score with no state of its own beyond the call ledger, so a repeated call
 * with the same key returns the first assessment even if the rules changed in between.
 */
export class SimulatedFraudScreening implements FraudScreeningService {
  private readonly calls: CallLedger;

  constructor(pool: pg.Pool, options: SimulationOptions = {}) {
    this.calls = new CallLedger(pool, options);
  }

  async screen(call: CallContext & { orderId: string; customerId: string; amountCents: number }, options?: CallOptions): Promise<FraudAssessment> {
    const { orderId, customerId, amountCents } = call;
    return this.calls.run(
      'screenOrder',
      call,
      { orderId, customerId, amountCents },
      async (_client, plan) => {
        const reasons: string[] = [];
        let score = 5;
        if (plan.flagFraud) {
          score += 90;
          reasons.push(`customer ${customerId} is on the watch list`);
        }
        if (amountCents >= LARGE_ORDER_CENTS) {
          score += 40;
          reasons.push(`order total ${(amountCents / 100).toFixed(2)} is unusually large`);
        }
        return { score: Math.min(score, 100), reasons };
      },
      options,
    );
  }
}
