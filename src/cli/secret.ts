import readline from 'node:readline';

/**
 * A password for the command line: typed at a terminal without being shown, or read as the first
 * line of standard input (`echo "$PASS" | shiyu user add …`), so it never sits in the shell's
 * history or the process list as an argument would.
 */
export async function readSecret(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  if (process.stdin.isTTY) {
    process.stderr.write(prompt);
    // Echo nothing of what is typed; readline still handles editing keys.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  try {
    const line = await new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('close', () => reject(new Error('no password given: type it, or pipe it in as the first line of standard input')));
    });
    if (process.stdin.isTTY) process.stderr.write('\n');
    return line;
  } finally {
    rl.close();
  }
}
