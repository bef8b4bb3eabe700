/** The load profiles (phases and pass criteria) and the flows they share, as Artillery reads them. */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const PROFILES = {
  smoke: 'smoke.yml',
  basic: 'basic-load.yml',
  stress: 'stress-test.yml',
  spike: 'spike-test.yml',
} as const;
export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
/** The flows every profile runs; the profile files hold the phases and pass criteria. */
export const SHARED_SCENARIOS = 'scenarios.yml';

/** Issue 15's targets, a tenth of the seed's p99 (end to end) and no 5xx; smoke has none. */
export interface Target {
  p99Ms: number;
}
export const TARGETS: Partial<Record<ProfileName, Target>> = {
  basic: { p99Ms: 100 },
  stress: { p99Ms: 500 },
  spike: { p99Ms: 300 },
};

export const isProfileName = (name: string): name is ProfileName => Object.hasOwn(PROFILES, name);

/** A phase of `config.phases`, as written (YAML may give numbers as strings: `1m`, `30`). */
export interface Phase {
  name?: string;
  duration?: number | string;
  pause?: number | string;
  arrivalRate?: number | string;
  rampTo?: number | string;
  arrivalCount?: number | string;
}

/** `config.ensure`: Artillery 2's ensure plugin, with its legacy top-level percentile keys. */
export interface Ensure {
  maxErrorRate?: number | string;
  thresholds?: unknown[];
  conditions?: { expression: string }[];
  min?: number | string;
  max?: number | string;
  median?: number | string;
  p95?: number | string;
  p99?: number | string;
}

export interface Scenario {
  name: string;
  weight?: number;
}

interface ArtilleryConfig {
  phases?: Phase[];
  ensure?: Ensure;
  plugins?: Record<string, unknown>;
}
interface ArtilleryScript {
  config?: ArtilleryConfig;
  scenarios?: Scenario[];
}

export interface Profile {
  file: string;
  phases: Phase[];
  ensure: Ensure;
  /** Whether `plugins: ensure` is on, i.e. whether Artillery itself checked `ensure`. */
  ensureEnabled: boolean;
}

/** Parsed with the YAML reader Artillery itself uses, so phases mean what they meant to the run. */
function readYaml(file: string): ArtilleryScript | undefined {
  const fromArtillery = createRequire(createRequire(import.meta.url).resolve('artillery/package.json'));
  const yaml = fromArtillery('js-yaml') as { load(text: string): unknown };
  return yaml.load(fs.readFileSync(file, 'utf8')) as ArtilleryScript | undefined;
}

export function readProfile(profilesDir: string, profile: ProfileName): Profile {
  const read = (name: string) => readYaml(path.join(profilesDir, name))?.config ?? {};
  // `artillery run --config <profile>.yml scenarios.yml`: the profile's config over the shared one.
  const shared = fs.existsSync(path.join(profilesDir, SHARED_SCENARIOS)) ? read(SHARED_SCENARIOS) : {};
  const own = read(PROFILES[profile]);
  const plugins = { ...shared.plugins, ...own.plugins };
  return {
    file: PROFILES[profile],
    phases: own.phases ?? shared.phases ?? [],
    ensure: own.ensure ?? shared.ensure ?? {},
    ensureEnabled: 'ensure' in plugins,
  };
}

/** The flows of the shared scenarios file (name, weight); none when the directory has no such file. */
export function readScenarios(profilesDir: string): Scenario[] {
  const file = path.join(profilesDir, SHARED_SCENARIOS);
  return fs.existsSync(file) ? (readYaml(file)?.scenarios ?? []) : [];
}
