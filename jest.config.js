// One Jest run for every suite: unit tests beside the code, end-to-end tests under test/.
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: { '^qiniu-ufop$': '<rootDir>/src' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/schematics/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // The Sentinel failover test is not yet reliable (see README, "Redis high availability"): it runs on its own,
      // with `npm run test:sentinel`, until the missed reconnection it once showed under load is understood.
      testPathIgnorePatterns: process.env.UFOP_TEST_SENTINEL ? [] : ['/test/queue\\.sentinel\\.e2e-spec\\.ts$'],
    },
  ],
  reporters: ['default', '<rootDir>/test/support/summary.reporter.js'],
  testTimeout: 30000,
};
