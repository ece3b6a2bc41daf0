import type { BudgetAlert } from '../accounting/alert-bus.js';
import type { Principal } from '../core/principal.js';

/** Budget alerts a principal may see: the master key all, a virtual key its own and its team's. */
export function canSeeAlert(principal: Principal, alert: BudgetAlert): boolean {
  if (principal.kind !== 'virtual_key') return true;
  const { kind, id } = alert.subject;
  return kind === 'key' ? id === principal.keyId : id === principal.teamId;
}
