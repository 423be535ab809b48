/**
 * The command line's Spanish, bundled (the installed CLI reads no file for it) and imported only
 * when the locale is Spanish (strings.ts): its own texts (l10n/cli.es.json), those it shares with
 * the extension (l10n/bundle.l10n.es.json) and the error templates (l10n/errors.es.json).
 */
import bundle from '../../l10n/bundle.l10n.es.json';
import cli from '../../l10n/cli.es.json';
import errorTemplates from '../../l10n/errors.es.json';

export const texts: Readonly<Record<string, string>> = { ...bundle, ...cli };
export const errors: Readonly<Record<string, string>> = errorTemplates;
