import { spawnSync } from 'node:child_process';

/** Whether the Mosquitto binaries (Debian package `mosquitto`) are on this machine. */
export function mosquittoInstalled(): boolean {
  return ['mosquitto', 'mosquitto_ctrl'].every(
    (bin) => spawnSync(bin, ['--help'], { stdio: 'ignore' }).error === undefined,
  );
}
