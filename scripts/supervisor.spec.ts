import { Supervised } from './supervisor';

/** Real child processes (node -e), real exits. */
function supervise(
  script: string,
  extra: Partial<ConstructorParameters<typeof Supervised>[0]> = {},
) {
  const lines: string[] = [];
  let launches = 0;
  const s = new Supervised({
    name: 'app',
    command: process.execPath,
    args: ['-e', `console.log('launch'); ${script}`],
    env: { PATH: process.env.PATH },
    say: (line) => lines.push(line),
    restartDelayMs: 50,
    fastMs: 2000,
    onStdout: (line) => {
      if (line === 'launch') launches++;
    },
    ...extra,
  });
  return { s, lines, launches: () => launches };
}

describe('Supervised', () => {
  const silence = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const silenceErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterAll(() => {
    silence.mockRestore();
    silenceErr.mockRestore();
  });

  it('does not restart an app that exits 78 (bad configuration) and repeats its message', async () => {
    const { s, lines, launches } = supervise(
      'process.stderr.write(\'LOG_LEVEL="loud" must be one of: info\\n\'); process.exit(78)',
    );
    const why = await s.gaveUp;
    expect(why).toContain('LOG_LEVEL="loud"');
    expect(lines).toEqual([
      expect.stringMatching(/app has a configuration problem, not restarting: .*loud/),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(launches()).toBe(1);
  });

  it('gives up after three fast failures in a row, with the last words', async () => {
    const { s, lines, launches } = supervise(
      "process.stderr.write('cannot reach db\\n'); process.exit(1)",
    );
    expect(await s.gaveUp).toContain('cannot reach db');
    expect(launches()).toBe(3);
    expect(lines.at(-1)).toMatch(
      /app failed 3 times right after starting, not restarting: cannot reach db/,
    );
  });

  it('restarts a process that dies after running a while, and says so', async () => {
    const { s, lines, launches } = supervise('setTimeout(() => process.exit(3), 300)', {
      fastMs: 100,
    });
    const until = Date.now() + 5000;
    while (launches() < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    expect(launches()).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(/^app exited \(3\); restarting in/);
  });
});
