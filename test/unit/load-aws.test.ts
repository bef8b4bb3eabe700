/**
 * load/aws.mjs (`npm run load:aws`): argument checks answer with exit code 2 and a message
 * before anything reaches AWS; --dry-run shows the one command it would run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs the script with no AWS settings at all (and no instance metadata), so nothing can reach AWS. */
function aws(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const run = spawnSync(process.execPath, ['load/aws.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      ...env,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: path.join(root, 'no-such-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(root, 'no-such-aws-credentials'),
    },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run load:aws: argument checks', () => {
  it.each([
    [[], '--region is required'],
    [['--count', '2'], '--region is required'],
    [['--region', 'eu-west-1'], '--count is required'],
    [['--region', 'eu-west-1', '--count', '0'], '--count must be a whole number from 1 to 1000, not 0'],
    [['--region', 'eu-west-1', '--count', '2.5'], '--count must be a whole number'],
    [['--region', 'eu-west-1', '--count'], '--count needs a value'],
    [['--region', 'Europe', '--count', '2'], '--region Europe is not an AWS region name'],
    [
      ['--region', 'eu-west-1', '--count', '2', '--profile', 'soak'],
      '--profile must be one of smoke, basic, stress, spike',
    ],
    [['--region', 'eu-west-1', '--count', '2', '--stage', 'qa'], 'stage must be one of dev, prod, not qa'],
    [['--region', 'eu-west-1', '--count', '2', '--target', 'https://example.com'], 'unknown argument --target'],
    [['--region', 'eu-west-1', '--count', '2', '--url', 'http://127.0.0.1:3008'], '--url must be an https:// URL'],
    [
      ['--region', 'eu-west-1', '--count', '2', '--url', 'https://d1.cloudfront.net', '--stack', 'X'],
      'give either --url or --stack/--stage, not both',
    ],
  ])('%j exits 2: %s', (args, message) => {
    const run = aws(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: npm run load:aws -- --region REGION --count N');
  });

  it('--dry-run prints the run-lambda command against the given URL only, with telemetry off', () => {
    const run = aws(
      '--dry-run',
      '--region',
      'eu-west-1',
      '--count',
      '3',
      '--profile',
      'spike',
      '--url',
      'https://d1.cloudfront.net/',
    );
    expect(run.status).toBe(0);
    const command = run.stdout.split('\n').find((line) => line.startsWith('ARTILLERY_DISABLE_TELEMETRY=1 artillery '));
    expect(command).toMatch(
      /^ARTILLERY_DISABLE_TELEMETRY=1 artillery run-lambda --region eu-west-1 --count 3 --architecture arm64 --memory-size 4096 --target https:\/\/d1\.cloudfront\.net --output load\/results\/aws-spike-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json /,
    );
    expect(command).toContain('load/spike-test.yml');
    expect(command?.match(/https?:\/\//g)).toHaveLength(1);
    expect(run.stdout).toContain('240 s on 3 Lambda worker(s) in eu-west-1');
  });

  it('--dry-run without --url names the stack whose ApiUrl it would read', () => {
    const run = aws('--dry-run', '--region', 'eu-west-1', '--count', '1', '--stage', 'prod');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--target '<ApiUrl output of UniteHub-prod-App in eu-west-1>'");
  });

  it('says so when there are no AWS credentials (exit 1)', () => {
    const run = aws('--region', 'eu-west-1', '--count', '1');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('No AWS credentials found');
  });
});
