import { type Target } from '../lib/target.js';
import { cookieTarget } from './cookie-target.js';
import { csrfTarget } from './csrf-target.js';
import { phpUnserializeTarget, pythonJsonTarget, unpickleTarget } from './parser-targets.js';
import { passwordTarget } from './password-target.js';
import { sessionJson, sessionLegacy, sessionPhp, sessionPickle, sessionText } from './session-targets.js';
import { signingLoads } from './signing-target.js';

/** Every fuzz target, by name. */
export const TARGETS: readonly Target[] = [sessionJson, sessionPickle, sessionPhp, sessionLegacy, sessionText, signingLoads, phpUnserializeTarget, unpickleTarget, pythonJsonTarget, passwordTarget, cookieTarget, csrfTarget];

export function targetNamed(name: string): Target {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`No fuzz target "${name}"; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}
