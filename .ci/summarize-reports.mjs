// Sums the Vitest JSON reports written by every test run into one closing line: "N passed, N failed".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const directory = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const perRun = [];
for (const file of readdirSync(directory)
  .filter((name) => name.endsWith('.json'))
  .sort()) {
  const report = JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  perRun.push(`${file}: ${report.numPassedTests ?? 0} passed, ${report.numFailedTests ?? 0} failed`);
}
for (const line of perRun) process.stderr.write(`${line}\n`);
if (perRun.length === 0) {
  process.stderr.write('no test report was written\n');
  failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
