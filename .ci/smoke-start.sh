#!/usr/bin/env bash
# Boots `npm start` with nothing configured (embedded PostgreSQL, embedded MQTT
# broker, first-start keys) from the current checkout, with its data in a
# private (0700) folder as a new user's would be; posts readings through the
# gateway with the printed dispositivo key and reads them back with the admin
# key, checks the services refuse direct calls without a key, publishes over
# MQTT with the device key (and is refused without it), kills the broker (-9)
# and checks it is restarted and used again, stops with SIGINT and checks that
# every process is gone.
set -euo pipefail
work=$(mktemp -d) # 0700
log="$work/start.log"
export DATA_DIR="$work/data" EMBEDDED_PG_DIR="$work/data/postgres" EMBEDDED_PG_PORT=54399
unset DATABASE_URL API_KEYS MQTT_URL
setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -INT -- "-$pid" 2>/dev/null || true
  sleep 1
  # as root the data may have moved where the postgres user can reach it
  moved=$(sed -n 's/^\[start\] postgres     embedded, data in \(\/var\/lib\/iot-backend\/[0-9a-f]*\)\/postgres$/\1/p' "$log" 2>/dev/null | head -1)
  [ -n "$moved" ] && rm -rf "$moved"
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { for _ in $(seq 1 "$2"); do grep -q "$1" "$log" && return 0; sleep 1; done; cat "$log"; echo "not seen in the log: $1"; exit 1; }
wait_for 'ready; Ctrl-C' 120
grep -E '^\[start\]' "$log"
device=$(sed -n 's/^\[start\] API key (dispositivo)  \(iot_[0-9a-f]*_[A-Za-z0-9_-]*\)$/\1/p' "$log")
key=$(sed -n 's/^\[start\] API key (admin)  \(iot_[0-9a-f]*_[A-Za-z0-9_-]*\)$/\1/p' "$log")
[ -n "$device" ] && [ -n "$key" ] || { echo "the first start did not print both keys"; exit 1; }
device_id=$(cut -d_ -f2 <<<"$device")

body='{"nombreVariable":"voltaje","numeroSerie":"SMOKE1","estampaTiempo":"2025-01-31T12:00:00Z","valorVariable":220.5}'
created=$(curl -sS -w '\n%{http_code}' -X POST http://127.0.0.1:8080/api/dispositivo/envio \
  -H "x-api-key: $device" -H 'content-type: application/json' -d "$body")
echo "$created"
[ "$(tail -n1 <<<"$created")" = 201 ] || { echo "POST /envio did not answer 201"; exit 1; }
back=$(curl -sS "http://127.0.0.1:8080/api/dispositivo/lecturas?numeroSerie=SMOKE1" -H "x-api-key: $key")
echo "$back"
grep -q '"valorVariable":220.5' <<<"$back" || { echo "reading not read back"; exit 1; }
# the device key may not read; the services are no side door
denied=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:8080/api/dispositivo/lecturas" -H "x-api-key: $device")
[ "$denied" = 403 ] || { echo "a device key read readings: $denied"; exit 1; }
for port in 8081 8082; do
  direct=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/dispositivo/envio" -H "x-api-key: $device" -H 'content-type: application/json' -d "$body")
  [ "$direct" = 401 ] || { echo "port $port answered $direct to a direct call with a gateway key"; exit 1; }
done

# the console at / (its page and its script, from the gateway, no key needed for the files)
page=$(curl -sS http://127.0.0.1:8080/)
grep -q '<div id="app">' <<<"$page" || { echo "no console at /: $page"; exit 1; }
asset=$(grep -o '/assets/index-[A-Za-z0-9_-]*\.js' <<<"$page" | head -1)
[ "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:8080$asset")" = 200 ] || { echo "the console's script $asset is not served"; exit 1; }

# routed, request id echoed, the internal export kept inside
via=$(curl -sS -D - -o /dev/null -X POST http://127.0.0.1:8080/api/dispositivo/envio -H "x-api-key: $device" \
  -H 'content-type: application/json' -H 'x-request-id: smoke-1' \
  -d '{"nombreVariable":"voltaje","numeroSerie":"SMOKE0","estampaTiempo":"2025-01-31T12:00:00Z","valorVariable":1}')
grep -q '^HTTP/1.1 201' <<<"$via" || { echo "POST through the gateway did not answer 201: $via"; exit 1; }
grep -qi '^x-request-id: smoke-1' <<<"$via" || { echo "the gateway did not echo X-Request-Id"; exit 1; }
internal=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:8080/api/dispositivo/exportacion?variables=voltaje" -H "x-api-key: $key")
[ "$internal" = 404 ] || { echo "the internal export answered $internal through the gateway"; exit 1; }

# MQTT on the embedded broker (mqtt.js from the project, no mosquitto client needed),
# logging in with the device key: username its id, password the key
publish() {
  printf '%s' "${2:-$device}" | node .ci/publish-reading.mjs "$1" "$device_id"
}
stored() {
  for _ in $(seq 1 40); do
    back=$(curl -sS "http://127.0.0.1:8080/api/dispositivo/lecturas?numeroSerie=$1" -H "x-api-key: $key")
    grep -q '"valorVariable":4.5' <<<"$back" && { echo "$back"; return 0; }
    sleep 0.5
  done
  echo "MQTT reading $1 not stored"; exit 1
}
if publish SMOKE9 "${device}x" 2>/dev/null; then echo "the broker took a wrong password"; exit 1; fi
publish SMOKE2
stored SMOKE2

# the supervisor restarts the embedded broker and says so; dispositivo reconnects
pkill -9 -f 'scripts/embedded-broker.mjs'
wait_for 'mqtt broker exited (SIGKILL); restarting' 10
# publish once dispositivo has reconnected (its session comes back from the journal)
for _ in $(seq 1 40); do [ "$(grep -c '"msg":"connected to MQTT broker"' "$log")" -ge 2 ] && break; sleep 0.5; done
publish SMOKE3
stored SMOKE3

# facturacion runs on the defaults with the sync on: its runs are listed, and the
# voltaje reading sent above reaches its table within a few 6 s ticks
for _ in $(seq 1 40); do
  runs=$(curl -sS "http://127.0.0.1:8080/api/facturacion/sincronizaciones" -H "x-api-key: $key")
  page=$(curl -sS "http://127.0.0.1:8080/api/facturacion/variables/voltaje/lecturas" -H "x-api-key: $key" || true)
  grep -q '"estado":"completada"' <<<"$runs" && grep -q '"numeroSerie":"SMOKE1"' <<<"$page" && break
  sleep 0.5
done
echo "$runs" | head -c 600; echo
grep -q '"estado":"completada"' <<<"$runs" || { echo "no completed facturacion sync run"; exit 1; }
grep -q '"numeroSerie":"SMOKE1"' <<<"$page" || { echo "reading SMOKE1 not billed: $page"; exit 1; }

# the README's own examples, as an analyst would paste them: readings and energy (block 4), then
# a tariff, an account and this month's draft with its PDF and CSV (block 5); the draft's total
# must be the fixed charge plus the energy at the tariff's price
readme_block() { awk -v n="$1" '/^```bash$/ { c++; if (c == n) { p = 1; next } } /^```$/ { p = 0 } p' README.md; }
readme_block 4 >"$work/readme-energia.sh"
readme_block 5 >"$work/readme-factura.sh"
(cd "$work" && DEVICE_KEY="$device" ADMIN_KEY="$key" bash -euo pipefail readme-energia.sh >readme-energia.out)
(cd "$work" && ADMIN_KEY="$key" bash -euo pipefail readme-factura.sh >readme-factura.out)
head -c 4 "$work/factura.pdf" | grep -q '%PDF' || { echo "README: factura.pdf is not a PDF"; exit 1; }
grep -q 'total,COP' "$work/readme-factura.out" || { echo "README: the CSV has no total row"; exit 1; }
# the draft, rebuilt until the energy job has caught up with the readings (it runs every 10 s)
for _ in $(seq 1 30); do
  draft=$(curl -sS -X POST http://127.0.0.1:8080/api/facturacion/cuentas/1/facturas -H "x-api-key: $key" \
    -H 'content-type: application/json' -d "{\"periodo\":\"$(date -u +%Y-%m)\"}")
  grep -q '"energia":"0"' <<<"$draft" || break
  sleep 1
done
node -e '
  const d = JSON.parse(process.argv[1]);
  const total = (1000 + Math.round(700 * Number(d.energia) * 100) / 100).toFixed(2);
  if (d.estado !== "borrador" || !(Number(d.energia) > 0) || d.problemas.length > 0 || d.total !== total) {
    console.error("the README draft is wrong:", process.argv[1], "expected total", total);
    process.exit(1);
  }
  console.log(`README draft: ${d.energia} kVAh, total ${d.total} = 1000 + 700 x energy`);
' "$draft"

# every public route through the gateway, with the Postman collection's tests (fails on any)
npx newman run postman/iot-backend.postman_collection.json -e postman/local.postman_environment.json \
  --env-var "deviceKey=$device" --env-var "adminKey=$key" --reporters cli --color off

kill -INT -- "-$pid"
for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$pid" 2>/dev/null; then echo "npm start did not stop on SIGINT"; exit 1; fi
if pgrep -f "postgres -D .*$(basename "$work")|$EMBEDDED_PG_DIR" >/dev/null; then echo "embedded PostgreSQL still running"; exit 1; fi
if (exec 3<>/dev/tcp/127.0.0.1/11883) 2>/dev/null; then echo "embedded MQTT broker still listening"; exit 1; fi
echo "smoke test passed"
