import { serverAudits, type AuditFail, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/startStack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logLevel: 'warn' });
});
afterAll(async () => {
  await stack.close();
});

describe('GraphQL over HTTP audit (graphql-http, pinned)', () => {
  it('passes every MUST; SHOULD and MAY findings (warnings, notices) are listed', async () => {
    const results = await Promise.all(
      serverAudits({ url: stack.url, fetchFn: fetch }).map((audit) => audit.fn()),
    );
    const failed = (r: AuditResult): r is AuditFail => r.status !== 'ok';
    const errors = results.filter(failed).filter((r) => r.status === 'error');
    const warnings = results.filter(failed).filter((r) => r.status === 'warn');
    const notices = results.filter(failed).filter((r) => r.status === 'notice');
    console.log(
      `graphql-http audit: ${results.length} audits, ${results.filter((r) => r.status === 'ok').length} ok, ${notices.length} notices, ${warnings.length} warnings, ${errors.length} errors`,
    );
    for (const w of [...notices, ...warnings])
      console.log(`  ${w.status} ${w.id}: ${w.name} — ${w.reason}`);
    for (const e of errors) console.log(`  ERROR ${e.id}: ${e.name} — ${e.reason}`);
    expect(errors.map((e) => `${e.name}: ${e.reason}`)).toEqual([]);
  });
});
