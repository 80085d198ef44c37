/**
 * CDK entry point: `nx run infra:synth` (or, in infra/, `npx cdk synth -c stage=dev`).
 * Deterministic and offline: no lookups, no clock, no randomness; the account is optional.
 */
import { App } from 'aws-cdk-lib';
import { addNagChecks, buildStacks, configFromContext } from './app';
import { StageConfigError } from './config/deployable';

const app = new App();
try {
  const { config, options } = configFromContext(app);
  buildStacks(app, config, options);
  addNagChecks(app);
  app.synth();
} catch (error) {
  // A configuration mistake is the operator's to fix: one message, no stack trace.
  if (!(error instanceof StageConfigError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
}
