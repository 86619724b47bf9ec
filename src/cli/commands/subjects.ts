import type { Command } from 'commander';
import { loadConfig } from '../../config/env';
import { classifyPostgresError } from '../../errors/postgresErrors';
import { ENCRYPTION_KEY_VARIABLE, personalDataFromEnv } from '../../eventstore/personalData/fromEnv';
import { EncryptionKeyError, InvalidSubjectError } from '../../eventstore/personalData/errors';
import { forgetSubject } from '../../eventstore/personalData/forgetSubject';
import { MasterKey } from '../../eventstore/personalData/masterKey';
import { withDatabase } from '../databaseConnection';
import { CliError, UsageError } from '../errors';
import { printJson, type CliIo } from '../output';

/** `sagaflow subjects forget <subject>`: erasure by crypto-shredding (README "Erasure"). */
export function registerSubjectsCommands(program: Command, io: CliIo): void {
  const subjects = program.command('subjects').description("A data subject's personal data: the fields contracts declare personal, stored encrypted under the subject's key");
  subjects
    .command('forget <subject>')
    .description(
      "Destroy the subject's key and record it as a SubjectForgotten event: the subject's personal fields read as erased from then on, in the live log, the archive and their backups; " +
        'rebuild the read models holding them (sagaflow projections rebuild) to erase them there',
    )
    .option('--json', 'print the outcome as JSON')
    .addHelpText('after', `\nNeeds ${ENCRYPTION_KEY_VARIABLE}, the key the writers use, and a database role granted sagaflow_eraser.\n\nExample:\n  $ sagaflow subjects forget cust-7`)
    .action(async (subject: string, options: { json?: boolean }) => {
      // Checked before anything connects: without the writers' key there is nothing to forget with.
      if (subject.trim().length === 0 || subject.length > 200) throw new UsageError('<subject> must be the id the personal fields are declared under: 1 to 200 characters');
      const value = process.env[ENCRYPTION_KEY_VARIABLE];
      if (!value) throw new UsageError(`${ENCRYPTION_KEY_VARIABLE} must be set to the key the writers use: without it no subject's key can be found`);
      try {
        MasterKey.parse(value, ENCRYPTION_KEY_VARIABLE);
      } catch (error) {
        if (error instanceof EncryptionKeyError) throw new UsageError(error.message);
        throw error;
      }
      const result = await withDatabase(loadConfig(), (pool) => forgetSubject(pool, personalDataFromEnv(pool)!, subject)).catch((error: unknown) => {
        if (error instanceof InvalidSubjectError) throw new UsageError(error.message);
        if (classifyPostgresError(error).kind !== 'insufficient_privilege') throw error;
        throw new CliError(`the database role of DATABASE_URL may not forget subjects (${(error as Error).message}): run this as a role granted sagaflow_eraser, or as the schema owner`);
      });
      if (options.json) return printJson(io, result);
      io.stdout(
        result.outcome === 'forgotten'
          ? `forgotten: the subject's key is destroyed; recorded in ${result.streamId}\n`
          : `already forgotten: no key to destroy; recorded before in ${result.streamId}\n`,
      );
    });
}
