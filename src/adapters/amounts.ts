import { BusinessRejection } from './types';

/** A zero or negative amount would move money the wrong way, so every service refuses it the same way. */
export function requirePositiveCents(operation: string, amountCents: number): void {
  if (!Number.isSafeInteger(amountCents) || amountCents < 1) {
    throw new BusinessRejection('invalid_request', `${operation}: amountCents must be a whole number of cents of at least 1, got ${amountCents}`);
  }
}

export function requireCurrency(operation: string, currency: string): void {
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw new BusinessRejection('invalid_request', `${operation}: currency must be an ISO 4217 code like USD, got ${currency}`);
  }
}
