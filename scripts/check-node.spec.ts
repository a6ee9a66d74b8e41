import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeProblem } = require('./check-node.cjs') as {
  nodeProblem: (version: string) => string | undefined;
};

describe('the Node.js version check of npm start and npm test', () => {
  it.each(['20.19.0', '22.11.0', 'v18.20.4'])(
    'refuses %s in one line naming both versions',
    (v) => {
      expect(nodeProblem(v)).toBe(
        `iot-backend needs Node.js >= 22.12 (24 LTS recommended); this is v${v.replace(/^v/, '')}`,
      );
    },
  );

  it.each(['22.12.0', '22.20.1', '24.22.3', '25.0.0'])('accepts %s', (v) => {
    expect(nodeProblem(v)).toBeUndefined();
  });

  it('exits 0 on the Node running this test (it is new enough: npm test checked)', () => {
    const run = spawnSync(process.execPath, [join(__dirname, 'check-node.cjs')]);
    expect(run.status).toBe(nodeProblem(process.versions.node) ? 1 : 0);
  });
});
