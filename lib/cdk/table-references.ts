/**
 * The App stack's view of the Data stack's tables: imported by their physical name instead
 * of through a cross-stack token. Grants then name each table's ARN literally, so IAM
 * policies read plainly, cdk-nag findings have stable ids, and the App stack pins no export
 * of the Data stack (deploy order comes from the explicit stack dependency).
 */
import { Stack } from 'aws-cdk-lib';
import { type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { Construct } from 'constructs';
import { type TableName, tables } from '../definition';
import { physicalTableName } from './physical-names';
import type { Stage } from './stage';

export function referenceTables(scope: Construct, stage: Stage): Record<TableName, ITable> {
  return Object.fromEntries(
    tables.map((t) => [
      t.name,
      Table.fromTableAttributes(scope, `${t.name}-table`, {
        tableName: physicalTableName(stage, t.name),
        // Declared so grants cover queries on the indexes too.
        globalIndexes: t.globalIndexes.map((index) => index.name),
      }),
    ]),
  ) as Record<TableName, ITable>;
}

/**
 * The cdk-nag finding id for the `<table ARN>/index/*` resource that `grantReadData` and
 * `grantReadWriteData` add, rendered the way cdk-nag renders it (its own helper), so the
 * acknowledgement matches whether the stack is environment-agnostic or not.
 */
export function indexWildcardFinding(scope: Construct, table: ITable): string {
  const resolved = Stack.of(scope).resolve(`${table.tableArn}/index/*`);
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(resolved)}]`;
}
