// Ends every run with the plain line `N passed, N failed` that CI reads, so a run of zero tests is visible.
// It goes to stderr, after Jest's own summary; with JEST_SUMMARY_FILE set it is also written there for .ci/run.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    process.stderr.write(`\n${line}\n`);
    if (process.env.JEST_SUMMARY_FILE) writeFileSync(process.env.JEST_SUMMARY_FILE, `${line}\n`);
  }
}
module.exports = SummaryReporter;
