export { DjangoPasswordResetService, type SetPasswordOptions } from './django-password-reset.service.js';
export { DjangoInvalidResetLink } from './invalid-reset-link.js';
export { type PasswordResetOptions, type ResolvedPasswordResetOptions } from './password-reset-options.js';
