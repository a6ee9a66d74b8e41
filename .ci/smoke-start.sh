#!/usr/bin/env bash
# Boots `npm start` with nothing configured (embedded PostgreSQL, generated API
# key), posts one reading, reads it back, stops with SIGINT and checks that
# every process is gone.
set -euo pipefail
work=$(mktemp -d)
chmod 755 "$work" # as root, PostgreSQL runs as user postgres and must reach its data dir
log="$work/start.log"
export DATA_DIR="$work/data" EMBEDDED_PG_DIR="$work/data/postgres" EMBEDDED_PG_PORT=54399
unset DATABASE_URL API_KEYS
setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -INT -- "-$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 120); do grep -q 'ready; Ctrl-C' "$log" && break; sleep 1; done
grep -q 'ready; Ctrl-C' "$log" || { cat "$log"; echo "npm start did not become ready"; exit 1; }
grep -E '^\[start\]' "$log"
key=$(cat "$DATA_DIR/api-key")

body='{"nombreVariable":"voltaje","numeroSerie":"SMOKE1","estampaTiempo":"2025-01-31T12:00:00Z","valorVariable":220.5}'
created=$(curl -sS -w '\n%{http_code}' -X POST http://127.0.0.1:8081/api/dispositivo/envio \
  -H "x-api-key: $key" -H 'content-type: application/json' -d "$body")
echo "$created"
[ "$(tail -n1 <<<"$created")" = 201 ] || { echo "POST /envio did not answer 201"; exit 1; }
back=$(curl -sS "http://127.0.0.1:8081/api/dispositivo/lecturas?numeroSerie=SMOKE1" -H "x-api-key: $key")
echo "$back"
grep -q '"valorVariable":220.5' <<<"$back" || { echo "reading not read back"; exit 1; }

# MQTT on the embedded broker (mqtt.js from the project, no mosquitto client needed)
node -e "
const mqtt = require('mqtt');
const c = mqtt.connect('mqtt://127.0.0.1:11883', { protocolVersion: 4 });
c.on('connect', async () => {
  await c.publishAsync('dispositivos/SMOKE2/lecturas', JSON.stringify({ nombreVariable: 'corriente', estampaTiempo: 1738324800000, valorVariable: 4.5 }), { qos: 1 });
  await c.endAsync();
});
c.on('error', (e) => { console.error(e.message); process.exit(1); });
"
for _ in $(seq 1 20); do
  back=$(curl -sS "http://127.0.0.1:8081/api/dispositivo/lecturas?numeroSerie=SMOKE2" -H "x-api-key: $key")
  grep -q '"valorVariable":4.5' <<<"$back" && break
  sleep 0.5
done
echo "$back"
grep -q '"valorVariable":4.5' <<<"$back" || { echo "MQTT reading not stored"; exit 1; }

kill -INT -- "-$pid"
for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$pid" 2>/dev/null; then echo "npm start did not stop on SIGINT"; exit 1; fi
if pgrep -f "$EMBEDDED_PG_DIR" >/dev/null; then echo "embedded PostgreSQL still running"; exit 1; fi
if (exec 3<>/dev/tcp/127.0.0.1/11883) 2>/dev/null; then echo "embedded MQTT broker still listening"; exit 1; fi
echo "smoke test passed"
