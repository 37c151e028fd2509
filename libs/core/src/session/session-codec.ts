import { SuspiciousSession } from '../errors.js';
import { type SessionDict } from './session-backend.js';
import { decodeSessionData, encodeSessionData, type DecodeSessionDataOptions } from './session-data.js';

/**
 * `SessionBase.encode` / `decode` as one object for the engines that store encoded text (db, file,
 * a custom store): decode never throws on bad data; like Django it reports "Session data
 * corrupted" and gives an empty dict, so the key is kept and the user is simply logged out.
 */
export class SessionCodec {
  constructor(
    private readonly options: DecodeSessionDataOptions,
    private readonly onCorrupt?: (error: SuspiciousSession) => void,
  ) {}

  encode(session: SessionDict): string {
    return encodeSessionData(session, this.options);
  }

  decode(text: string): SessionDict {
    try {
      return decodeSessionData(text, this.options);
    } catch (err) {
      if (!(err instanceof SuspiciousSession)) throw err;
      this.onCorrupt?.(err);
      return {};
    }
  }
}
