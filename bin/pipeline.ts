/**
 * The deploy pipeline app: `npm run pipeline:synth` (offline, placeholders where no
 * `-c pipeline*` flag or credentials say otherwise), `npx cdk deploy --app "npx tsx bin/pipeline.ts"`
 * once to create it (README, "Deploy pipeline"). cdk-nag runs as a synthesis validation plugin.
 */
import { buildPipelineApp } from '../lib/cdk/pipeline-stack';

buildPipelineApp().app.synth();
