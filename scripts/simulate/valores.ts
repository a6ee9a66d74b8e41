/**
 * Plausible readings for simulated devices: voltage around 220 V with noise,
 * current following a daily load profile, temperature drifting slowly. A
 * seeded generator, so a run can be repeated exactly.
 */
export type Random = () => number;

/** mulberry32: small, fast, good enough for load generation. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** 0 at 04:00 UTC, 1 at 16:00: a simple daily load curve. */
export function dailyLoad(at: Date): number {
  const hours = at.getUTCHours() + at.getUTCMinutes() / 60;
  return 0.5 - 0.5 * Math.cos(((hours - 4) / 24) * 2 * Math.PI);
}

export class Devices {
  private readonly temperatures: number[];

  constructor(
    readonly count: number,
    private readonly random: Random,
  ) {
    this.temperatures = Array.from({ length: count }, () => 18 + random() * 8);
  }

  serie(device: number): string {
    return `SIM-${String(device + 1).padStart(6, '0')}`;
  }

  value(variable: string, device: number, at: Date): number {
    const noise = this.random() - 0.5;
    switch (variable) {
      case 'voltaje':
        return round(220 + noise * 10, 1);
      case 'corriente':
        return round(Math.max(0, 1 + 9 * dailyLoad(at) + noise), 2);
      case 'temperatura': {
        // a random walk that pulls back towards 22 °C
        const t = this.temperatures[device] + noise * 0.2 + (22 - this.temperatures[device]) * 0.01;
        this.temperatures[device] = t;
        return round(t, 2);
      }
      default:
        return round(this.random() * 100, 2);
    }
  }
}
