// Appends N records to the audit log in WARDEN_HOME, printing each acknowledged sequence number.
//   node --import tsx test/helpers/audit-writer.ts N TAG
import { AuditLog } from '../../src/audit/log.ts';

const [n, tag] = [Number(process.argv[2]), process.argv[3]];
const log = new AuditLog();
for (let i = 0; i < n; i++) {
  const r = log.append({
    session: tag,
    source: 'test',
    kind: 'shell',
    decision: i % 3 ? 'allow' : 'deny',
    data: { i, tag },
  });
  process.stdout.write(`${r.seq}\n`);
}
log.close();
