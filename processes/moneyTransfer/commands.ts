import { z } from 'zod';
import { businessKey as id, currency, positiveAmountCents } from '../../api/eventstore';

const TransferAccounts = z.object({ fromAccount: id, toAccount: id });

/** What app code passes to start a money transfer saga. */
export const TransferInputSchema = z
  .object({
    transferId: id,
    fromAccount: id,
    toAccount: id,
    amountCents: positiveAmountCents,
    currency,
  })
  .strict()
  .refine((input) => input.fromAccount !== input.toAccount, {
    path: ['toAccount'],
    message: 'must differ from fromAccount',
    // Only once both accounts are valid; otherwise the account issues say enough.
    when: (payload) => TransferAccounts.safeParse(payload.value).success,
  });

export type TransferInput = z.infer<typeof TransferInputSchema>;
