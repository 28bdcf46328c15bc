/**
 * Command-line arguments of the benches: node's parseArgs in strict mode (an unknown or
 * misspelt option stops the bench with a message instead of being ignored), `--help` listing
 * the options, and typed readers for numbers and comma-separated lists.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';

export type BenchOptions = NonNullable<ParseArgsConfig['options']>;

/** Parsed options of `options`; prints them and exits on --help, exits with a message on a bad argument. */
export function benchArgs<T extends BenchOptions>(options: T, argv: string[] = process.argv.slice(2)) {
  if (argv.includes('--help')) {
    const script = path.basename(process.argv[1] ?? 'bench');
    const lines = Object.entries(options as BenchOptions).map(
      ([name, o]) => `  --${name}${o.type === 'string' ? ' VALUE' : ''}${o.default !== undefined ? `   (default ${String(o.default)})` : ''}`,
    );
    process.stdout.write(`npx tsx bench/${script} [options]\n${lines.join('\n')}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ options, args: argv, strict: true, allowPositionals: true });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)} (--help lists the options)\n`);
    process.exit(2);
  }
}

/** A number option; throws naming the option when it is not a finite number (or fails `check`). */
export function numberArg(value: string | undefined, name: string, fallback: number, check?: (n: number) => boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (check && !check(n))) throw new Error(`--${name} got "${value}", which is not an allowed number`);
  return n;
}

/** A comma-separated option, empty items dropped. */
export function listArg(value: string | undefined, fallback: readonly string[]): string[] {
  return value === undefined
    ? [...fallback]
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** A comma-separated list of numbers. */
export function numberListArg(value: string | undefined, name: string, fallback: readonly number[]): number[] {
  return listArg(value, fallback.map(String)).map((v) => numberArg(v, name, NaN));
}
