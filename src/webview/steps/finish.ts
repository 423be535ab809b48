/**
 * The finish state: the registration as the session reports it, titled by that state, and
 * "Change Properties", the page's main action once this server is registered.
 */
import type { PageContext } from '../context';
import { button, fillRows, h } from '../dom';
import type { ViewSnapshot } from '../protocol';
import type { StringKey } from '../strings';
import { resultArea } from './frame';

export function finishSection(ctx: PageContext): { section: HTMLElement; update(s: ViewSnapshot): void } {
  const heading = h('h2', { id: 'finish-heading' }, ctx.t('finishTitleNotRegistered'));
  const details = h('dl', { id: 'finish-details' });
  const summary = h('p', { id: 'finish-summary' });
  const change = button(ctx.t('changeProperties'), { id: 'change-properties', class: 'primary' });
  const refresh = button(ctx.t('refreshStatus'), { id: 'status-refresh' });
  const result = resultArea('finish-result');
  change.addEventListener('click', () => void ctx.act(change, result, 'properties/change', {}));
  refresh.addEventListener('click', () => void ctx.act(refresh, result, 'status/refresh', {}));
  const section = h('section', { id: 'finish', class: 'finish', tabindex: '-1', 'aria-labelledby': 'finish-heading' },
    heading, summary, details, h('div', { class: 'actions' }, change, refresh), result);

  return {
    section,
    update(s) {
      const r = s.registration;
      const registered = Boolean(r?.inUse);
      section.dataset.registered = String(registered);
      change.hidden = !registered;
      const vault = r?.vaultName ?? '';
      const title: StringKey = !registered ? 'finishTitleNotRegistered' : r?.state === 'revoked' ? 'finishTitleRevoked' : 'finishTitle';
      heading.textContent = ctx.t(title);
      summary.className = r?.state === 'registered' ? 'ok' : registered ? 'problem' : '';
      summary.textContent = !registered ? ctx.t('finishNotRegistered')
        : r?.state === 'revoked' ? ctx.t('stateRevoked', vault)
          : r?.state === 'vaultUnreachable' ? ctx.t('stateUnreachable', vault)
            : ctx.t('stateRegistered', vault);
      fillRows(details, registered ? [
        [ctx.t('finishVault'), r?.vaultName],
        [ctx.t('finishServer'), r?.serverName],
        [ctx.t('finishRegistrationId'), r?.registrationId],
      ] : []);
      // The vault's view of the registration: shown while it reports a problem, gone once it does not.
      if (r?.remoteError) {
        ctx.showError(result, r.remoteError, false);
        result.dataset.remote = 'true';
      } else if (result.dataset.remote) {
        delete result.dataset.remote;
        result.className = 'result';
        result.textContent = '';
      }
    },
  };
}
