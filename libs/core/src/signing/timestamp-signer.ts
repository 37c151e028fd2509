import { b62Decode, b62Encode } from '../crypto/base62.js';
import { SignatureExpired } from '../errors.js';
import { checkSize, decodePayload, Signer, type SignerOptions, type UnsignObjectOptions } from './signer.js';

export interface TimestampSignerOptions extends SignerOptions {
  /** Current time in seconds; injectable so tests and replays can freeze the clock. */
  clock?: () => number;
}

export interface TimestampUnsignObjectOptions extends UnsignObjectOptions {
  /** Maximum age in seconds; older values raise SignatureExpired. */
  maxAge?: number | null;
}

const systemClock = () => Date.now() / 1000;

/** `django.core.signing.TimestampSigner`: `value:timestamp:signature`, timestamp in base62 seconds. */
export class TimestampSigner extends Signer {
  private readonly clock: () => number;

  constructor(options: TimestampSignerOptions) {
    super(options);
    this.clock = options.clock ?? systemClock;
  }

  protected override defaultSalt(): string {
    return 'django.core.signing.TimestampSigner';
  }

  timestamp(): string {
    return b62Encode(Math.floor(this.clock()));
  }

  override sign(value: string): string {
    return super.sign(`${value}${this.sep}${this.timestamp()}`);
  }

  /** Verifies the signature first, then the age (no check against future timestamps, like Django). */
  override unsign(signedValue: string, maxAge?: number | null): string {
    const result = super.unsign(signedValue);
    const at = result.lastIndexOf(this.sep);
    const value = at < 0 ? result : result.slice(0, at);
    const timestamp = b62Decode(at < 0 ? '' : result.slice(at + this.sep.length));
    if (maxAge !== undefined && maxAge !== null) {
      const age = this.clock() - timestamp;
      if (age > maxAge) throw new SignatureExpired(`Signature age ${age} > ${maxAge} seconds`);
    }
    return value;
  }

  override unsignObject(signedObj: string, options: TimestampUnsignObjectOptions = {}): unknown {
    checkSize(signedObj, options.maxSize);
    return decodePayload(this.unsign(signedObj, options.maxAge), options);
  }
}
