import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

let loaded = false;

/**
 * Adds the variables of a `.env` file in the working directory to `env`, leaving every variable
 * already set as it is: the real environment wins over the file. The default target is
 * process.env, loaded once, so the modules that read a setting directly (SAGAFLOW_HOME,
 * TEMPORAL_CLI_PATH) see the file's values too.
 */
export function loadDotEnv(file = path.resolve('.env'), env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env === process.env && loaded) return env;
  if (env === process.env) loaded = true;
  if (fs.existsSync(file)) dotenv.config({ path: file, processEnv: env, override: false, quiet: true });
  return env;
}
