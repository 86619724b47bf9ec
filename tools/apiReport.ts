import fs from 'node:fs';
import path from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor';
import { repoRoot } from '../src/infra/paths';

/** Where the committed reports live: one per public entry, `<entry>.api.md`. */
const REPORT_FOLDER = path.join(repoRoot, 'api-reports');

/** The package's public entries: its `exports`, as package.json states them. */
function publicEntries(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, string> };
  return Object.entries(manifest.exports)
    .filter(([, target]) => target.endsWith('.js'))
    .map(([subpath]) => subpath.replace(/^\.\//, ''));
}

function configFor(entry: string): IConfigFile {
  return {
    projectFolder: repoRoot,
    mainEntryPointFilePath: path.join(repoRoot, 'dist', 'api', `${entry}.d.ts`),
    compiler: { tsconfigFilePath: path.join(repoRoot, 'tsconfig.build.json') },
    apiReport: { enabled: true, reportFileName: entry, reportFolder: REPORT_FOLDER, reportTempFolder: path.join(repoRoot, '.sagaflow', 'api-reports') },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      // Release tags (@public, @beta) are not used: the entries are the public surface, all of it.
      // A type an entry uses but does not export is left out of the report: the note API Extractor
      // writes for it names the .d.ts line it sits on, so any edit above it in that internal file
      // would fail the check with the public surface unchanged.
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.Warning },
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
}

/**
 * `npm run api:report` writes the type surface of every public entry to api-reports/ (commit the
 * change: it is the visible record of a change to the public API); `npm run api:check` (CI) fails
 * when the surface differs from the committed reports, so a breaking change cannot slip in unseen.
 * Both read dist/, which they build first.
 */
function main(check: boolean): number {
  fs.mkdirSync(REPORT_FOLDER, { recursive: true });
  let failed = 0;
  for (const entry of publicEntries()) {
    const config = ExtractorConfig.prepare({ configObject: configFor(entry), configObjectFullPath: undefined, packageJsonFullPath: path.join(repoRoot, 'package.json') });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      // Only warnings and errors: the progress lines of seven runs would bury them.
      messageCallback: (message) => {
        if (message.logLevel === ExtractorLogLevel.Verbose || message.logLevel === ExtractorLogLevel.Info) message.handled = true;
      },
    });
    if (!result.succeeded) {
      failed += 1;
      console.error(`sagaflow/${entry}: ${result.apiReportChanged ? `the public API changed: review api-reports/${entry}.api.md against the build (npm run api:report updates it) and say so in CHANGELOG.md` : `${result.errorCount} error(s)`}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.includes('--check'));
