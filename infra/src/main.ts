/**
 * CDK entry point: `nx run infra:synth` (or, in infra/, `npx cdk synth -c stage=dev`).
 * Deterministic and offline: no lookups, no clock, no randomness; the account is optional.
 */
import { App } from 'aws-cdk-lib';
import { addNagChecks, buildStacks, configFromContext } from './app';

const app = new App();
const { config, options } = configFromContext(app);
buildStacks(app, config, options);
addNagChecks(app);
app.synth();
