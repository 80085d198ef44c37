import baseConfig from '../../eslint.config.mjs';

// The generator's templates (`files/`) are EJS, not code of this project: the generated app is linted in CI instead.
export default [{ ignores: ['**/files/**'] }, ...baseConfig];
