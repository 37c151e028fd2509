export { PasswordResetTokenGenerator, PASSWORD_RESET_KEY_SALT, DEFAULT_PASSWORD_RESET_TIMEOUT, type PasswordResetTokenOptions, type PasswordResetUser } from './password-reset-token-generator.js';
export { encodeUidb64, decodeUidb64 } from './uidb64.js';
export { intToBase36, base36ToInt } from './base36.js';
