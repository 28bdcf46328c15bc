/** A command-line value that must be one of a few words; a wrong one is refused naming the option. */
export function choice<const T extends readonly string[]>(value: string | undefined, allowed: T, option: string): T[number] | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new Error(`${option} is one of ${allowed.join(', ')} (got "${value}")`);
  return found;
}
