// One Jest run for every suite: unit tests beside the code, end-to-end tests under test/.
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: { '^qiniu-ufop$': '<rootDir>/src', '^qiniu-ufop/testing$': '<rootDir>/src/testing' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/schematics/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
  reporters: ['default', '<rootDir>/test/support/summary.reporter.js'],
  testTimeout: 30000,
};
