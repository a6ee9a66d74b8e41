import { configureLogging } from '@iot/common';
import { OrphanSessions } from './orphan-sessions';
import { MqttSessionsRepository, OrphanSession } from './sessions.repository';

const T0 = 1_767_225_600_000;

/** The repository's contract in memory: here only the timing rule is under test. */
function setup() {
  const drained: string[] = [];
  let failHeartbeat = false;
  const repository = {
    heartbeat: jest.fn(() =>
      failHeartbeat ? Promise.reject(new Error('db down')) : Promise.resolve(0),
    ),
    findOrphans: jest.fn((): Promise<OrphanSession[]> =>
      Promise.resolve([{ clientId: 'other', connections: 2 }]),
    ),
    adoptIfOrphaned: jest.fn(
      async (_id: string, _afterS: number, drain: (n: number) => Promise<void>) => {
        await drain(2);
        return true;
      },
    ),
  };
  const orphans = new OrphanSessions(repository as unknown as MqttSessionsRepository, {
    clientId: 'me',
    connections: 1,
    afterS: 10,
    drain: (clientId) => {
      drained.push(clientId);
      return Promise.resolve(0);
    },
    stopping: () => false,
  });
  return { orphans, repository, drained, failHeartbeats: (v: boolean) => (failHeartbeat = v) };
}

describe('OrphanSessions', () => {
  beforeAll(() => configureLogging({ service: 'test', level: 'silent' }));
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it('drains every session of a silent instance, once its own heartbeats have run afterS', async () => {
    const { orphans, repository, drained } = setup();
    await orphans.register();
    jest.setSystemTime(T0 + 9_999);
    await orphans.adoptOrphans();
    expect(repository.findOrphans).not.toHaveBeenCalled();
    jest.setSystemTime(T0 + 10_000);
    await orphans.adoptOrphans();
    expect(drained).toEqual(['other-0', 'other-1']);
  });

  it('after a failed heartbeat (a database outage: everyone looks silent) it waits afterS again', async () => {
    const { orphans, repository, failHeartbeats } = setup();
    await orphans.register();
    orphans.start(); // heartbeats every afterS / 4 = 2.5 s
    failHeartbeats(true);
    await jest.advanceTimersByTimeAsync(12_500);
    failHeartbeats(false);
    await jest.advanceTimersByTimeAsync(5_000); // healthy again since 15 s
    repository.findOrphans.mockClear();
    await orphans.adoptOrphans();
    expect(repository.findOrphans).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(repository.findOrphans).toHaveBeenCalled();
    orphans.stop();
  });

  it('never drains its own id', async () => {
    const { orphans, repository, drained } = setup();
    repository.findOrphans.mockResolvedValue([{ clientId: 'me', connections: 1 }]);
    await orphans.register();
    jest.setSystemTime(T0 + 60_000);
    await orphans.adoptOrphans();
    expect(drained).toEqual([]);
  });
});
