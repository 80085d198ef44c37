#!/usr/bin/env node
// Checks, before anything is built, what a command needs that `npm ci` cannot install, and stops at once with
// one message saying what to install. Plain Node (runs on any version, so it can say the version is wrong).
//
//   node tools/scripts/preflight.mjs start|test|bench|e2e|e2e-browser|faults
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const command = process.argv[2] ?? 'start';
const problems = [];

// 1. Node 24 LTS: the services, their images, the tests and CI all run on it (README "Quick start").
const wanted = readFileSync(join(root, '.node-version'), 'utf8').trim();
const major = Number(process.versions.node.split('.')[0]);
if (major !== Number(wanted.split('.')[0])) {
  problems.push(
    `Node ${wanted.split('.')[0]} LTS is required (this is Node ${process.versions.node}). Either use a version manager ` +
      `(nvm use / fnm use read .nvmrc), or install it from the npm registry into a folder of your choice:\n` +
      `      npm install --prefix ~/.local/node24 node@${wanted} && export PATH="$HOME/.local/node24/node_modules/.bin:$PATH"\n` +
      `    then run \`npm ci\` again.`,
  );
}

/** The major version of `java` (11, 17, 21...), or undefined when there is none. */
function javaMajor(binary) {
  const out = spawnSync(binary, ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/** A container runtime testcontainers would find: DOCKER_HOST, or Docker's / podman's default socket. */
function containerRuntimeSocket() {
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  const candidates = ['/var/run/docker.sock', `${process.env.XDG_RUNTIME_DIR ?? '/nonexistent'}/podman/podman.sock`, '/run/podman/podman.sock'];
  return candidates.find((p) => existsSync(p));
}

// 2. `npm test` runs the storage suite on the real DynamoDB Local engine (and `DYNAMODB_ENGINE=dynamodb-local
//    npm start` uses it too): in a container when a runtime is there, otherwise from its jar with a JDK.
const needsDynamoDbLocal = command === 'test' || process.env.DYNAMODB_ENGINE === 'dynamodb-local';
if (needsDynamoDbLocal) {
  const runtime = process.env.DYNAMODB_LOCAL_RUNTIME ?? 'auto';
  const socket = runtime === 'jar' ? undefined : containerRuntimeSocket();
  if (runtime === 'container' && !socket) {
    problems.push('DYNAMODB_LOCAL_RUNTIME=container, but no container runtime was found (set DOCKER_HOST, or start Docker or podman).');
  } else if (!socket) {
    const java = javaMajor('java');
    const javac = spawnSync('javac', ['-version']).status === 0;
    if (java === undefined || java < 17 || !javac) {
      problems.push(
        `The real DynamoDB Local engine needs either a container runtime (Docker or podman, found through DOCKER_HOST or its ` +
          `default socket) or a Java 17+ JDK (java and javac on PATH; ${java === undefined ? 'no java found' : `found java ${java}${javac ? '' : ' without javac'}`}).\n` +
          `      Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless    macOS: brew install openjdk@17\n` +
          `    (only the unit and HTTP-level suites, without DynamoDB Local: npx nx run-many -t test)`,
      );
    }
  }
}

// 3. The fault suite kills and pauses the real DynamoDB Local with signals: it needs the engine as a process of its
//    own (the jar, with a JDK), whatever container runtime there is.
if (command === 'faults') {
  const java = javaMajor('java');
  const javac = spawnSync('javac', ['-version']).status === 0;
  if (java === undefined || java < 17 || !javac) {
    problems.push(
      `The fault suite runs DynamoDB Local from its jar so that it can kill and pause it: it needs a Java 17+ JDK (java and javac on PATH; ` +
        `${java === undefined ? 'no java found' : `found java ${java}${javac ? '' : ' without javac'}`}).\n` +
        `      Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless    macOS: brew install openjdk@17`,
    );
  }
}

// 4. The browser suite drives a real Chromium with playwright-core (which cannot download its own browser here).
if (command === 'e2e-browser') {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    problems.push(`The browser suite needs Chromium at ${chromium} (set CHROMIUM_PATH to use another).\n      Debian/Ubuntu: sudo apt-get install -y chromium`);
  }
}

if (problems.length > 0) {
  const script = { start: 'npm start', test: 'npm test', bench: 'npm run bench', e2e: 'npm run test:e2e', 'e2e-browser': 'npm run test:e2e:browser', containers: 'npm run test:containers', faults: 'npm run test:faults' }[command] ?? command;
  process.stderr.write(`\nCannot run \`${script}\` on this machine yet:\n\n`);
  for (const p of problems) process.stderr.write(`  - ${p}\n\n`);
  process.exit(1);
}
