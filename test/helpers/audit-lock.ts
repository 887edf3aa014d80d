// Holds the audit database in WARDEN_HOME write-locked (an open IMMEDIATE transaction) for MS
// milliseconds, as another busy writer would; prints "locked" once the lock is held.
//   node --import tsx test/helpers/audit-lock.ts MS
import { AuditLog } from '../../src/audit/log.ts';

const ms = Number(process.argv[2]);
const log = new AuditLog();
log.db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
setTimeout(() => {
  log.db.exec('ROLLBACK');
  log.close();
}, ms);
