/** A wrong environment variable: start-up stops with a message naming it. */
export class SampleConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'SampleConfigError';
  }
}
