/** Calls to the OpenID Provider, each timed in the provider-call histogram by operation and outcome. */
import type { Metrics } from '../observability/metrics.ts';

/** Runs `work`, one call of `operation` (discovery, token, refresh, userinfo), and times it. */
export type TimedIdpCall = <T>(operation: string, work: () => Promise<T>) => Promise<T>;

/** Creates the timer over `metrics`. */
export function createTimedIdpCall(metrics: Pick<Metrics, 'idpDuration'>): TimedIdpCall {
  return async (operation, work) => {
    const end = metrics.idpDuration.startTimer({ operation });
    try {
      const result = await work();
      end({ outcome: 'success' });
      return result;
    } catch (err) {
      end({ outcome: 'error' });
      throw err;
    }
  };
}
