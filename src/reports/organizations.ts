import { reportClient, reportTable, type ReportTableOption } from './db';

/**
 * The organization ids in the table, sorted, at most `limit`: a skip scan over the
 * (organization_id, occurred_at) index, one index probe per organization rather than a full scan.
 */
export async function organizations(db: unknown, options: ReportTableOption & { limit?: number } = {}): Promise<string[]> {
  const table = reportTable(options.table);
  const { rows } = await reportClient(db).query<{ organization_id: string }>(
    `WITH RECURSIVE orgs(organization_id) AS (
       (SELECT organization_id FROM ${table} WHERE organization_id IS NOT NULL ORDER BY organization_id LIMIT 1)
       UNION ALL
       SELECT (SELECT t.organization_id FROM ${table} t WHERE t.organization_id > orgs.organization_id ORDER BY t.organization_id LIMIT 1)
         FROM orgs WHERE orgs.organization_id IS NOT NULL)
     SELECT organization_id FROM orgs WHERE organization_id IS NOT NULL LIMIT $1`,
    [options.limit ?? 1000],
  );
  return rows.map((row) => row.organization_id);
}
