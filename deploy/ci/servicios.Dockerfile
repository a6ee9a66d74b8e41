# CI's stand-ins for the third-party images docker-compose.yml names, where no
# registry can be reached: Debian's own packages on the debootstrap base, one
# image, the entry point picked per service in docker-compose.ci.yml.
# Prometheus is Debian's 2.42 (the main file names 2.55): the scrape config,
# the alert rules and the dashboard's queries are checked against it.
ARG BASE=iot-ci/debian:bookworm
FROM ${BASE}
RUN set -eu; apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql-15 redis-server mosquitto mosquitto-clients prometheus; \
    rm -rf /var/lib/apt/lists/*; \
    # the official mosquitto image's layout, which the shipped mosquitto.conf uses
    ln -s /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so /usr/lib/mosquitto_dynamic_security.so; \
    mkdir -p /mosquitto/config /mosquitto/data; chown -R mosquitto:mosquitto /mosquitto; \
    ln -s /usr/lib/postgresql/15/bin/* /usr/local/bin/ 2>/dev/null || true
COPY postgres-entrypoint.sh redis-entrypoint.sh /usr/local/bin/
