/** The browser suite (playwright-core + Debian chromium): `npm run test:e2e:browser`. */
module.exports = {
  displayName: 'e2e-browser',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.browser.spec.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
};
