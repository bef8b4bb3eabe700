#!/usr/bin/env node
/**
 * `npm run load:aws -- --region R --count N [--profile basic]`: runs a load profile distributed
 * over N AWS Lambda workers (`artillery run-lambda`) against a deployed stack's public URL, read
 * from the App stack's `ApiUrl` output (CloudFront), or against an explicit `--url`. Nothing else
 * can be targeted: no artillery arguments pass through. Writes
 * load/results/aws-<profile>-<stamp>.json and its .meta.json for `npm run load:report`.
 * See load/README.md ("AWS Lambda") for the IAM permissions it needs and what it costs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// What this script shares with the report (profiles, result files, the phases' schedule) is
// TypeScript, compiled by tsx (what `npm start` runs on).
register();
const { ARTILLERY_BIN, LOAD_DIR, REPO_DIR } = await import('./common/paths.ts');
const { gitCommit } = await import('./common/git.ts');
const { isProfileName, PROFILE_NAMES, PROFILES, readProfile, SHARED_SCENARIOS } = await import('./common/profiles.ts');
const { resultFile, sidecarOf } = await import('./common/results.ts');
const { schedule } = await import('./report/schedule.ts');

/** As in lib/cdk/stage.ts: stages `dev` (the CDK app's default) and `prod`, stacks `UniteHub-<stage>-App`. */
const STAGES = ['dev', 'prod'];
const appStackName = (stage) => `UniteHub-${stage}-App`;
/** What this script asks of `artillery run-lambda` (its own defaults in 2.0.x), so the meta file can say it. */
const ARCHITECTURE = 'arm64';
const MEMORY_MB = 4096;
/** USD per GB-second, arm64, from artillery's lib/platform/aws-lambda/prices.js (base price). */
const LAMBDA_GB_SECOND_USD = 0.0000133334;
const MAX_COUNT = 1000;

const USAGE = `usage: npm run load:aws -- --region REGION --count N [options]

  --region REGION        AWS region the Lambda workers run in (required), e.g. eu-west-1
  --count N              number of Lambda workers, 1-${MAX_COUNT} (required)
  --profile NAME         ${PROFILE_NAMES.join('|')} (default basic)
  --stage STAGE          ${STAGES.join('|')}: the stack UniteHub-<stage>-App (default: $STAGE, else dev)
  --stack NAME           the App stack's name, instead of --stage
  --stack-region REGION  where the stack is deployed (default: --region)
  --url https://...      target this URL instead of reading the stack's ApiUrl output
  --lambda-role-arn ARN  an existing role for the workers (else artillery creates one)
  --dotenv FILE          environment for the workers, e.g. LOAD_TEST_EMAIL / LOAD_TEST_PASSWORD
                         of a user signed up on the stack (for the signed-in flows)
  --dry-run              print what would run; call nothing`;

class UsageError extends Error {}

function usageFail(message) {
  throw new UsageError(message);
}

/** `--flag value` or `--flag=value`; every flag is known, every value checked. */
export function parseArgs(argv, env = process.env) {
  const valued = [
    '--region',
    '--count',
    '--profile',
    '--stage',
    '--stack',
    '--stack-region',
    '--url',
    '--lambda-role-arn',
    '--dotenv',
  ];
  const raw = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--dry-run' && inline === undefined) raw.dryRun = true;
    else if (flag === '--help' || flag === '-h') raw.help = true;
    else if (valued.includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) usageFail(`${flag} needs a value`);
      raw[flag.slice(2)] = value;
    } else usageFail(`unknown argument ${argv[i]} (no artillery arguments pass through)`);
  }
  if (raw.help) return { help: true };
  if (!raw.region) usageFail('--region is required (the AWS region the Lambda workers run in, e.g. eu-west-1)');
  const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
  if (!regionPattern.test(raw.region)) usageFail(`--region ${raw.region} is not an AWS region name (e.g. eu-west-1)`);
  if (raw.count === undefined) usageFail('--count is required (the number of Lambda workers, e.g. 10)');
  const count = /^\d+$/.test(raw.count) ? Number(raw.count) : Number.NaN;
  if (!(count >= 1 && count <= MAX_COUNT))
    usageFail(`--count must be a whole number from 1 to ${MAX_COUNT}, not ${raw.count}`);
  const profile = raw.profile ?? 'basic';
  if (!isProfileName(profile)) usageFail(`--profile must be one of ${PROFILE_NAMES.join(', ')}, not ${profile}`);
  const stackRegion = raw['stack-region'] ?? raw.region;
  if (!regionPattern.test(stackRegion)) usageFail(`--stack-region ${stackRegion} is not an AWS region name`);
  const role = raw['lambda-role-arn'];
  if (role !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(role)) {
    usageFail(`--lambda-role-arn ${role} is not an IAM role ARN`);
  }
  if (raw.dotenv !== undefined && !fs.existsSync(raw.dotenv)) usageFail(`--dotenv ${raw.dotenv}: no such file`);
  const options = {
    region: raw.region,
    count,
    profile,
    stackRegion,
    lambdaRoleArn: role,
    dotenv: raw.dotenv,
    dryRun: Boolean(raw.dryRun),
  };
  if (raw.url !== undefined) {
    if (raw.stack !== undefined || raw.stage !== undefined) usageFail('give either --url or --stack/--stage, not both');
    return { ...options, url: checkUrl(raw.url, '--url') };
  }
  const stage = raw.stage ?? env.STAGE ?? 'dev';
  if (raw.stack === undefined && !STAGES.includes(stage)) {
    usageFail(`stage must be one of ${STAGES.join(', ')}, not ${stage} (from ${raw.stage ? '--stage' : '$STAGE'})`);
  }
  const stack = raw.stack ?? appStackName(stage);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stack)) usageFail(`--stack ${stack} is not a CloudFormation stack name`);
  return { ...options, stack };
}

function checkUrl(value, from) {
  let url;
  try {
    url = new URL(value);
  } catch {
    usageFail(`${from} ${value} is not a URL`);
  }
  if (url.protocol !== 'https:')
    usageFail(`${from} must be an https:// URL (the CloudFront distribution), not ${value}`);
  if (url.username || url.password) usageFail(`${from} must not carry credentials`);
  return url.href.replace(/\/$/, '');
}

class LookupError extends Error {}

/** The App stack's `ApiUrl` output (lib/cdk/app-stack.ts): the CloudFront URL. */
async function stackUrl(stack, region) {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({ region });
  let described;
  try {
    described = await client.send(new DescribeStacksCommand({ StackName: stack }));
  } catch (error) {
    const name = error?.name ?? 'Error';
    const message = error?.message ?? String(error);
    if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
      throw new LookupError(
        `No AWS credentials found (${message}).\nSet AWS_PROFILE (after \`aws sso login\`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; see load/README.md for the permissions needed.`,
      );
    }
    if (name === 'ValidationError' && /does not exist/i.test(message)) {
      throw new LookupError(
        `Stack ${stack} not found in ${region}. Deploy it first (npm run deploy -- -c stage=dev), or name it with --stack / --stage / --stack-region.`,
      );
    }
    throw new LookupError(`Could not read the outputs of stack ${stack} in ${region}: ${name}: ${message}`);
  } finally {
    client.destroy();
  }
  const found = described.Stacks?.[0];
  if (!found) throw new LookupError(`Stack ${stack} not found in ${region}.`);
  if (/(FAILED|ROLLBACK_COMPLETE|DELETE_)/.test(found.StackStatus ?? '')) {
    throw new LookupError(`Stack ${stack} is in state ${found.StackStatus}; not running a load test against it.`);
  }
  const output = found.Outputs?.find((o) => o.OutputKey === 'ApiUrl')?.OutputValue;
  if (!output)
    throw new LookupError(`Stack ${stack} has no ApiUrl output: is it the App stack (UniteHub-<stage>-App)?`);
  try {
    return checkUrl(output, `the ApiUrl output of ${stack}`);
  } catch (error) {
    throw new LookupError(error.message);
  }
}

const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);

function plan(options, url) {
  const file = PROFILES[options.profile];
  const output = resultFile(`aws-${options.profile}`);
  const args = [
    'run-lambda',
    '--region',
    options.region,
    '--count',
    String(options.count),
    '--architecture',
    ARCHITECTURE,
    '--memory-size',
    String(MEMORY_MB),
    ...(options.lambdaRoleArn ? ['--lambda-role-arn', options.lambdaRoleArn] : []),
    ...(options.dotenv ? ['--dotenv', path.resolve(options.dotenv)] : []),
    '--target',
    url,
    '--output',
    output,
    // as load/run.mjs: the profile's phases and criteria over the shared flows
    ...(fs.existsSync(path.join(LOAD_DIR, SHARED_SCENARIOS))
      ? ['--config', path.join(LOAD_DIR, file), path.join(LOAD_DIR, SHARED_SCENARIOS)]
      : [path.join(LOAD_DIR, file)]),
  ];
  const seconds = schedule(readProfile(LOAD_DIR, options.profile).phases).total;
  const workerCost = options.count * (MEMORY_MB / 1024) * seconds * LAMBDA_GB_SECOND_USD;
  return { file, output, args, seconds, workerCost };
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  let url = options.url;
  if (!url) {
    if (options.dryRun) url = `<ApiUrl output of ${options.stack} in ${options.stackRegion}>`;
    else {
      try {
        url = await stackUrl(options.stack, options.stackRegion);
      } catch (error) {
        if (!(error instanceof LookupError)) throw error;
        console.error(error.message);
        process.exit(1);
      }
      console.log(`Target: ${url} (output ApiUrl of ${options.stack} in ${options.stackRegion})`);
    }
  }
  const run = plan(options, url);
  const shown = ['artillery', ...run.args].map((a) => quote(path.isAbsolute(a) ? path.relative(process.cwd(), a) : a));
  console.log(
    [
      `Profile ${options.profile} (load/${run.file}): ${run.seconds} s on ${options.count} Lambda worker(s) in ${options.region}.`,
      `Workers cost about $${run.workerCost.toFixed(2)} (${options.count} x ${MEMORY_MB / 1024} GB x ${run.seconds} s at $${LAMBDA_GB_SECOND_USD}/GB-s),`,
      "plus the target stack's own requests (CloudFront, API Gateway, Lambda, DynamoDB, logs); see load/README.md.",
      'Behind CloudFront each worker is one client to the per-client rate limits: expect 429s.',
      `ARTILLERY_DISABLE_TELEMETRY=1 ${shown.join(' ')}`,
    ].join('\n'),
  );
  if (options.dryRun) return;

  fs.mkdirSync(path.dirname(run.output), { recursive: true });
  const startedAt = new Date().toISOString();
  const child = spawnSync(ARTILLERY_BIN, run.args, {
    cwd: REPO_DIR,
    stdio: 'inherit',
    env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: '1' },
  });
  const exitCode = child.status ?? 1;
  const meta = {
    profile: options.profile,
    file: path.relative(REPO_DIR, run.output),
    command: ['npm', 'run', 'load:aws', '--', ...process.argv.slice(2)].map(quote).join(' '),
    artilleryArgs: run.args.map((a) => (path.isAbsolute(a) ? path.relative(REPO_DIR, a) : a)),
    target: url,
    startedRuntime: false,
    runtimeMode: `deployed stack${options.stack ? ` ${options.stack} (${options.stackRegion})` : ''}, via AWS Lambda workers`,
    gitCommit: gitCommit(),
    machine: {
      cpuModel: `AWS Lambda workers (${ARCHITECTURE}, ${MEMORY_MB} MB each, ${options.region}), launched from ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
      cores: options.count,
      memGiB: (options.count * MEMORY_MB) / 1024,
      os: 'AWS Lambda',
    },
    node: process.version,
    startedAt,
    finishedAt: new Date().toISOString(),
    exitCode,
    aws: { region: options.region, count: options.count, stack: options.stack, stackRegion: options.stackRegion },
  };
  fs.writeFileSync(sidecarOf(run.output, '.meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  console.log(`\nResults: ${path.relative(process.cwd(), run.output)} (npm run load:report renders them)`);
  process.exit(exitCode);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
