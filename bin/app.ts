/**
 * The CDK app: `npx cdk synth -c stage=dev|prod`. cdk-nag (AwsSolutions) runs as a
 * synthesis validation plugin, so an unacknowledged finding fails the synth.
 */
import { buildApp } from '../lib/cdk/build-app';

buildApp().app.synth();
