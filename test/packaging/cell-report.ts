/** The matrix's per-cell outcome, printed as one table when the run ends. */
export interface CellOutcome {
  cell: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export class CellReport {
  private readonly outcomes: CellOutcome[] = [];

  /** Runs one cell, records its outcome (the first line of its error when it fails) and rethrows. */
  async cell<T>(cell: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const value = await fn();
      this.outcomes.push({ cell, ok: true, ms: Date.now() - started, detail: typeof value === 'string' ? value : '' });
      return value;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.outcomes.push({ cell, ok: false, ms: Date.now() - started, detail: firstUsefulLine(message) });
      throw err;
    }
  }

  render(header: string): string {
    const width = Math.max(...this.outcomes.map((o) => o.cell.length), 10);
    const rows = this.outcomes.map((o) => `${o.ok ? 'PASS' : 'FAIL'}  ${o.cell.padEnd(width)}  ${`${(o.ms / 1000).toFixed(1)}s`.padStart(7)}  ${o.detail}`);
    const failed = this.outcomes.filter((o) => !o.ok).length;
    return [header, ...rows, `${this.outcomes.length - failed} passed, ${failed} failed`].join('\n');
  }
}

/** The line of an error that says what went wrong (npm's ERESOLVE, a SyntaxError...), not the "X exited 1:" preamble. */
function firstUsefulLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  // Most telling first: npm's resolution errors, then compiler and loader errors, then assertions.
  const patterns = [/ERESOLVE|peer dep|Could not resolve/, /error TS\d+|ERR_[A-Z_]+|SyntaxError|Cannot find|Must use import|Unexpected token/, /Error|expect\(|Expected|Received|GET \//];
  for (const pattern of patterns) {
    const hit = lines.find((l) => pattern.test(l));
    if (hit) return hit.slice(0, 220);
  }
  return (lines[0] ?? '').slice(0, 220);
}
