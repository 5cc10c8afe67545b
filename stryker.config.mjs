/**
 * Mutation testing of the pure core (`npm run mutation`): a figure, not a CI gate. Only the unit
 * suites run under Stryker; the lab, end-to-end and integration suites start real processes. One
 * worker at a time: the machine is shared with the lab.
 *
 * `ignoreStatic`: a mutant reached only while a module or a test file loads (a top-level constant)
 * is left out; one that a test also reaches is run against those tests alone. Without it, every
 * mutant a suite reaches at collection time (the diagnosis suites build their signals in
 * `describe`) reruns all related suites, and a run takes over an hour instead of minutes.
 */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings'],
  jest: {
    configFile: 'jest.config.js',
    config: { testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
  },
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  mutate: ['src/engine/machine.ts', 'src/observe/leak.ts', 'src/policy/windows.ts'],
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 70, break: null },
};
