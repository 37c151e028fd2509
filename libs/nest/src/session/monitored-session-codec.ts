import { decodeSessionData, SessionCodec, SuspiciousSession, type DecodeSessionDataOptions, type SessionDict } from '@django-bridge/core';
import { isSignatureFailure, type SecretKeyMonitor } from '../startup/secret-key-monitor.js';

/**
 * SessionCodec that also tells the SecretKeyMonitor how each decode went: success resets the
 * count, a bad signature adds to it, other corruption (bytes behind a valid signature) is neither.
 * Decoding is SessionCodec's: never throws on bad data, reports it and gives an empty session.
 */
export class MonitoredSessionCodec extends SessionCodec {
  constructor(
    private readonly decodeOptions: DecodeSessionDataOptions,
    private readonly report: (error: SuspiciousSession) => void,
    private readonly monitor: SecretKeyMonitor,
  ) {
    super(decodeOptions, report);
  }

  override decode(text: string): SessionDict {
    try {
      const session = decodeSessionData(text, this.decodeOptions);
      this.monitor.verified();
      return session;
    } catch (err) {
      if (!(err instanceof SuspiciousSession)) throw err;
      if (isSignatureFailure(err)) this.monitor.failed('session data');
      this.report(err);
      return {};
    }
  }
}
