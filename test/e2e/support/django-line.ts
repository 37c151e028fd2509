/**
 * The Django line an e2e run drives (DJANGO_LINE, default 5.2) and what that Django says about
 * itself. Specs take their expectations from here (the running Django's version, defaults and
 * CSRF wording), never from one line's constants, and configure the bridge with BRIDGE_VERSION.
 */
import { getCsrfToken, getNewCsrfSecret } from '@django-bridge/core';
import { djangoCalls as c, djangoVersionInfo, type DjangoProject, type DjangoVersionInfo } from '../../django/django-project.js';
import { bridgeVersionFor, defaultDjangoLine, type DjangoLine } from '../../django/django-line.js';

/** The line of this run. */
export const LINE: DjangoLine = defaultDjangoLine();
/** The bridge's djangoVersion matching LINE. */
export const BRIDGE_VERSION = bridgeVersionFor(LINE);

/** The running Django's version and defaults (bridge_cli `version`, asked once per process). */
export function lineInfo(): DjangoVersionInfo {
  return djangoVersionInfo(LINE);
}

/** Whether the running Django is `major.minor` or newer. */
export function atLeast(major: number, minor: number, info: DjangoVersionInfo = lineInfo()): boolean {
  const [ma, mi] = info.version.split('.').map(Number);
  return ma > major || (ma === major && mi >= minor);
}

/** The csrftoken cookie this line writes: a 64-char masked token before 4.1, the 32-char secret after. */
export function csrfCookiePattern(info: DjangoVersionInfo = lineInfo()): RegExp {
  return info.features.csrf_cookie_masked_by_default ? /^[a-zA-Z0-9]{64}$/ : /^[a-zA-Z0-9]{32}$/;
}

/** Django's CsrfViewMiddleware reasons on this line (3.2 words every token failure alike). */
export interface DjangoCsrfReasons {
  noCookie: string;
  /** A cookie, and no token at all. */
  missing: string;
  /** A well-formed wrong token in X-CSRFToken. */
  headerIncorrect: string;
  /** A token of the wrong length in X-CSRFToken. */
  headerBadLength: string;
  /** A well-formed wrong csrfmiddlewaretoken. */
  formIncorrect: string;
}

/** Asks the real Django (through its CsrfViewMiddleware, one process) how it words each refusal. */
export function djangoCsrfReasons(django: DjangoProject): DjangoCsrfReasons {
  const cookie = { csrftoken: getNewCsrfSecret() };
  const wrong = getCsrfToken(getNewCsrfSecret());
  const answers = django.batch([c.csrfPost({}), c.csrfPost(cookie), c.csrfPost(cookie, { token: wrong }), c.csrfPost(cookie, { token: 'short' }), c.csrfPost(cookie, { formToken: wrong })]);
  const reasons = answers.map((a) => {
    if (a.status !== 403 || !('reason' in a.body)) throw new Error(`Django accepted a request it should refuse: ${JSON.stringify(a.body)}`);
    return a.body.reason;
  });
  const [noCookie, missing, headerIncorrect, headerBadLength, formIncorrect] = reasons;
  return { noCookie, missing, headerIncorrect, headerBadLength, formIncorrect };
}

/** What the bridge answers for a Django reason: Django's 403 page title, then the reason. */
export function nestCsrfMessage(reason: string): string {
  return `CSRF verification failed. ${reason}`;
}
