import { auditCoreChecks } from './core-checks';
import { embeddedDatabase } from './embedded-postgres';

/** The audit trail's core checks on embedded PostgreSQL (PGlite) in memory, in this process. */
describe('the audit trail on PGlite', () => {
  auditCoreChecks(() => embeddedDatabase());
});
