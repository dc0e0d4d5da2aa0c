/** Tests run on swc (no type checking here: `npm run typecheck` does that once). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 60000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Every end-to-end test is also a privacy test: group deliveries are scanned for personal data.
  setupFilesAfterEnv: ['<rootDir>/test/support/privacy-guard.ts'],
  // ...including what the bot says into a WeChat room on the mock puppet (directly or through the
  // puppet-service host): the guarded module re-exports the real one.
  moduleNameMapper: { '^wechaty-puppet-mock$': '<rootDir>/test/support/guarded-puppet-mock.ts' },
};
