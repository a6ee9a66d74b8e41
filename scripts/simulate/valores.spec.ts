import { dailyLoad, Devices, seeded } from './valores';

describe('simulated readings', () => {
  it('are repeatable for a seed', () => {
    const at = new Date('2026-01-01T12:00:00Z');
    const a = new Devices(3, seeded(7));
    const b = new Devices(3, seeded(7));
    const series = (d: Devices) => [0, 1, 2].map((i) => d.value('temperatura', i, at));
    expect(series(a)).toEqual(series(b));
    expect(new Devices(3, seeded(8)).value('voltaje', 0, at)).not.toBe(a.value('voltaje', 0, at));
  });

  it('look like a grid: 220 V ± 5, current following the day, temperature drifting slowly', () => {
    const devices = new Devices(10, seeded(1));
    const noon = new Date('2026-01-01T16:00:00Z');
    const night = new Date('2026-01-01T04:00:00Z');
    for (let i = 0; i < 1000; i++) {
      const v = devices.value('voltaje', i % 10, noon);
      expect(v).toBeGreaterThanOrEqual(215);
      expect(v).toBeLessThanOrEqual(225);
    }
    const mean = (at: Date) =>
      Array.from({ length: 500 }, (_, i) => devices.value('corriente', i % 10, at)).reduce(
        (s, x) => s + x,
      ) / 500;
    expect(mean(noon)).toBeGreaterThan(mean(night) + 7);
    expect(dailyLoad(night)).toBeCloseTo(0);
    expect(dailyLoad(noon)).toBeCloseTo(1);
    const steps = Array.from({ length: 200 }, () => devices.value('temperatura', 3, noon));
    for (let i = 1; i < steps.length; i++) {
      expect(Math.abs(steps[i] - steps[i - 1])).toBeLessThan(0.5);
    }
    expect(devices.serie(0)).toBe('SIM-000001');
  });
});
