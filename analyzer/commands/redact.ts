// Placeholder until the owning work lands; replaced by the real command.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('netsnap redact: not built yet\n');
  return 2;
}
