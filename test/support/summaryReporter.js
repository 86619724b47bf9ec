// Ends every run with one plain line that scripts and CI can read without parsing jest's output.
// Written at process exit so it comes after jest's own summary, as the very last line.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.once('exit', () => process.stdout.write(`tests: ${results.numPassedTests} passed, ${failed} failed\n`));
  }
}
module.exports = SummaryReporter;
