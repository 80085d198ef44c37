import { main } from './cli';

void main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`)).then((code) => {
  process.exitCode = code;
});
