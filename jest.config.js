/** Unit specs live next to the code; integration/e2e specs under test/ run against real services. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@iot/common(|/.*)$': '<rootDir>/libs/common/src$1',
    '^@iot/contracts(|/.*)$': '<rootDir>/libs/contracts/src$1',
    '^@iot/database(|/.*)$': '<rootDir>/libs/database/src$1',
    '^@iot/http(|/.*)$': '<rootDir>/libs/http/src$1',
    '^@iot/keys(|/.*)$': '<rootDir>/libs/keys/src$1',
  },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: [
        '<rootDir>/apps',
        '<rootDir>/libs',
        '<rootDir>/scripts',
        '<rootDir>/bench',
        '<rootDir>/test/static',
      ],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-timeout.ts'],
    },
  ],
};
