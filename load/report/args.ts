/** The report's command line: `[--out-dir DIR] [--results-dir DIR] [--profiles-dir DIR] [result.json ...]`. */
import path from 'node:path';
import { LOAD_DIR, REPO_DIR, RESULTS_DIR } from '../common/paths';

export const USAGE =
  'usage: node load/report.mjs [--out-dir DIR] [--results-dir DIR] [--profiles-dir DIR] [result.json ...]';

/** A command line the report refuses: shown with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export interface ReportOptions {
  /** Gets PERFORMANCE_BASELINES.md and load-charts/ (default docs/). */
  outDir: string;
  resultsDir: string;
  /** Where the profile YAML files are read (default load/). */
  profilesDir: string;
  /** Result files named on the command line; none: the newest of each profile in resultsDir. */
  files: string[];
}

const FLAGS = { '--out-dir': 'outDir', '--results-dir': 'resultsDir', '--profiles-dir': 'profilesDir' } as const;
const isFlag = (arg: string): arg is keyof typeof FLAGS => Object.hasOwn(FLAGS, arg);

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ReportOptions {
  const options: ReportOptions = {
    outDir: env.LOAD_REPORT_OUT_DIR ? path.resolve(env.LOAD_REPORT_OUT_DIR) : path.join(REPO_DIR, 'docs'),
    resultsDir: RESULTS_DIR,
    profilesDir: LOAD_DIR,
    files: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (isFlag(arg)) {
      const value = argv[++i];
      if (!value) throw new UsageError(`${arg} needs a directory`);
      options[FLAGS[arg]] = path.resolve(value);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      options.files.push(path.resolve(arg));
    }
  }
  return options;
}
