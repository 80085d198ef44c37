import baseConfig from '../../eslint.routing.mjs';

export default [...baseConfig];
