/**
 * Builds the CDK app once for a stage, without esbuild (assets are not bundled), and
 * returns both stacks' templates. Each test file calls it once at module scope.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type UniteHubApp } from '../../lib/cdk/build-app';
import type { Stage } from '../../lib/cdk/stage';

export interface Synthesized extends UniteHubApp {
  readonly dataTemplate: Template;
  readonly appTemplate: Template;
  readonly edgeWafTemplate: Template;
}

export function synthesize(
  stage: Stage,
  options: { nag?: boolean; context?: Record<string, unknown> } = {},
): Synthesized {
  const built = buildApp({
    stage,
    bundle: false,
    nag: options.nag ?? false,
    context: options.context,
  });
  return {
    ...built,
    dataTemplate: Template.fromStack(built.data),
    appTemplate: Template.fromStack(built.application),
    edgeWafTemplate: Template.fromStack(built.edgeWaf),
  };
}

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/** Every resource of a type, as plain template JSON. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** The logical id of the one resource of a type whose construct path contains `fragment`. */
export function logicalIdAt(template: Template, type: string, fragment: string): string {
  const ids = Object.keys(template.toJSON().Resources as Record<string, unknown>).filter(
    (id) => template.toJSON().Resources[id].Type === type && id.toLowerCase().startsWith(fragment.toLowerCase()),
  );
  if (ids.length !== 1)
    throw new Error(`Expected one ${type} starting with ${fragment}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}
