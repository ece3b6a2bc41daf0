import { request } from 'undici';
import type { Logger } from '../core/logger.js';
import { redactSecrets } from '../core/redact.js';
import type { AlertBus, BudgetAlert } from './alert-bus.js';

/**
 * POSTs every budget alert as JSON to a configured URL, fire and forget: a slow or failing
 * webhook never delays a request, and its failures are logged (without the URL's credentials).
 */
export function forwardAlertsToWebhook(
  bus: AlertBus,
  target: { url: string; logger: Logger },
): () => void {
  const send = async (alert: BudgetAlert): Promise<void> => {
    try {
      const response = await request(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'tollgate' },
        body: JSON.stringify({ source: 'tollgate', alert }),
        headersTimeout: 5_000,
        bodyTimeout: 5_000,
      });
      await response.body.dump();
      if (response.statusCode >= 300) {
        target.logger.warn('alert webhook refused the alert', {
          status: response.statusCode,
          type: alert.type,
        });
      }
    } catch (error) {
      target.logger.warn('alert webhook failed', {
        error: redactSecrets(String(error), [target.url]),
        type: alert.type,
      });
    }
  };
  return bus.subscribe((alert) => {
    void send(alert);
  });
}
