import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * deploy/prometheus and deploy/grafana, checked without running them: they
 * parse, and every iot_* metric they query is one the apps define (a renamed
 * metric would silently empty a panel or an alert).
 */
const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

const defined = new Set(
  sources(join(root, 'apps')).flatMap((text) =>
    [...text.matchAll(/name: '(iot_[a-z_]+)'/g)].map((m) => m[1]),
  ),
);
/** A histogram `x` is queried as x_bucket / x_count / x_sum. */
const base = (metric: string): string => metric.replace(/_(bucket|count|sum)$/, '');
const used = (text: string): string[] =>
  [...text.matchAll(/\b(iot_[a-z_]+)/g)].map((m) => base(m[1]));

describe('observability', () => {
  it('knows the metrics the apps define', () => {
    expect([...defined]).toEqual(
      expect.arrayContaining([
        'iot_lecturas_total',
        'iot_commit_seconds',
        'iot_sync_lag_seconds',
        'iot_gateway_requests_total',
      ]),
    );
  });

  it('alerts on no readings, sync lag, dead letters, instances down and gateway errors', () => {
    const rules = (
      parse(read('deploy/prometheus/alerts.yml')) as {
        groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
      }
    ).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'NoReadings',
        'SyncLagHigh',
        'DeadLettersRising',
        'InstanceDown',
        'GatewayErrors',
      ]),
    );
    for (const r of rules)
      for (const m of used(r.expr))
        expect([r.alert, m, defined.has(m)]).toEqual([r.alert, m, true]);
  });

  it('scrapes every app on its metrics port, all replicas', () => {
    const config = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ dns_sd_configs: Array<{ names: string[]; port: number }> }>;
    };
    const sd = config.scrape_configs[0].dns_sd_configs[0];
    expect(sd.names.sort()).toEqual(['dispositivo', 'facturacion', 'gateway']);
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string>; profiles?: string[] }>;
    };
    for (const app of sd.names)
      expect(compose.services[app].environment?.METRICS_PORT).toBe(String(sd.port));
    expect(compose.services.prometheus.profiles).toEqual(['observability']);
    expect(compose.services.grafana.profiles).toEqual(['observability']);
  });

  it('provisions a dashboard whose panels query metrics that exist', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/iot-backend.json')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.panels.map((p) => p.title).join(' | ')).toMatch(
      /Ingestion.*Rejects.*Commit latency.*MQTT backlog.*Sync lag.*Gateway errors/,
    );
    for (const p of dashboard.panels) {
      for (const t of p.targets)
        for (const m of used(t.expr))
          expect([p.title, m, defined.has(m)]).toEqual([p.title, m, true]);
    }
  });
});
