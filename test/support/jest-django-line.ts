/**
 * Runs before each test file: puts its Jest project's Django line (jest.config.js) in
 * process.env.DJANGO_LINE, where test/django/django-line.ts and every Python it starts read it.
 * Jest gives each test file its own copy of process.env, so projects on other lines do not mix.
 */
const line = (globalThis as { __DJANGO_LINE__?: unknown }).__DJANGO_LINE__;
if (typeof line === 'string') process.env.DJANGO_LINE = line;
