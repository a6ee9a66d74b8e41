import { allowedTopics } from '@iot/contracts';
import { connectAsync, MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { DynsecConfig } from './dynsec.config';

const CONTROL = '$CONTROL/dynamic-security/v1';

type Command = { command: string } & Record<string, unknown>;
interface Response {
  command: string;
  error?: string;
  /** getClient / getRole answers (the fields read here). */
  data?: { client?: { roles?: Array<{ rolename: string }> }; role?: { acls?: Acl[] } };
}
interface Acl {
  acltype: string;
  topic: string;
  allow: boolean;
}
const aclKey = (a: Acl): string => `${a.acltype} ${a.allow ? 'allow' : 'deny'} ${a.topic}`;

/**
 * Mosquitto's dynamic-security plugin, driven over MQTT by its admin: one
 * client per device key (username: the key id, password: the key) with a
 * role of its own that may publish only to its devices' topics.
 */
export class Dynsec {
  /** Responses carry no correlation id: one batch at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: MqttClient,
    private readonly config: DynsecConfig,
  ) {}

  private get timeoutMs(): number {
    return this.config.timeoutMs;
  }

  static async connect(config: DynsecConfig): Promise<Dynsec> {
    const client = await connectAsync(config.url, {
      clientId: `iot-keys-${randomUUID()}`,
      reconnectPeriod: 0,
      connectTimeout: config.timeoutMs,
    });
    await client.subscribeAsync(`${CONTROL}/response`, { qos: 1 });
    return new Dynsec(client, config);
  }

  async grantDevice(
    keyId: string,
    key: string,
    series: string[] | null | undefined,
  ): Promise<void> {
    const rolename = `key-${keyId}`;
    await this.send([
      {
        command: 'createRole',
        rolename,
        acls: allowedTopics(series).map((topic) => ({
          acltype: 'publishClientSend',
          topic,
          allow: true,
        })),
      },
      { command: 'createClient', username: keyId, password: key, roles: [{ rolename }] },
    ]);
  }

  /** Deleting the client also disconnects it. Missing entries are not an error (idempotent). */
  async withdrawDevice(keyId: string): Promise<void> {
    await this.send(
      [
        { command: 'deleteClient', username: keyId },
        { command: 'deleteRole', rolename: `key-${keyId}` },
      ],
      /not found/i,
    );
  }

  /**
   * dispositivo's own subscriber: reads every reading topic and `$SYS` (drop counters).
   * Run at every `docker compose up` (mqtt-setup): when the client already has this
   * password, role and ACLs it is left alone. Re-creating it disconnects every replica
   * logged in as it, and Mosquitto then drops the subscriptions of the sessions of a
   * replica that is down (their ACL check fails while the client is gone), so that
   * replica's share would never be queued for the orphan drain.
   * Returns whether anything changed.
   */
  async ensureService(username: string, password: string, topics: string[]): Promise<boolean> {
    const rolename = 'dispositivo-service';
    // Mosquitto checks a shared subscription against its whole `$share/<group>/…` filter
    const filters = topics.flatMap((t) => [t, `$share/+/${t}`]);
    const acls: Acl[] = [...filters, '$SYS/#'].map((topic) => ({
      acltype: 'subscribePattern',
      topic,
      allow: true,
    }));
    if (await this.serviceIsCurrent(username, password, rolename, acls)) return false;
    await this.send(
      [
        { command: 'deleteClient', username },
        { command: 'deleteRole', rolename },
      ],
      /not found/i,
    );
    await this.send([
      { command: 'createRole', rolename, acls },
      { command: 'createClient', username, password, roles: [{ rolename }] },
    ]);
    return true;
  }

  private async serviceIsCurrent(
    username: string,
    password: string,
    rolename: string,
    acls: Acl[],
  ): Promise<boolean> {
    const [client, role] = await this.send(
      [
        { command: 'getClient', username },
        { command: 'getRole', rolename },
      ],
      /not found/i,
    );
    const roles = client?.data?.client?.roles ?? [];
    const has = (role?.data?.role?.acls ?? []).map(aclKey).sort();
    const same =
      roles.length === 1 &&
      roles[0].rolename === rolename &&
      JSON.stringify(has) === JSON.stringify(acls.map(aclKey).sort());
    return same && (await this.canLogIn(username, password));
  }

  /** A throwaway login (its own client id, no session): the password is checked by the broker. */
  private async canLogIn(username: string, password: string): Promise<boolean> {
    const url = new URL(this.config.url);
    url.username = '';
    url.password = '';
    try {
      const probe = await connectAsync(url.toString(), {
        clientId: `iot-keys-probe-${randomUUID()}`,
        username,
        password,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: this.timeoutMs,
      });
      await probe.endAsync();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }

  /** Any commands of the plugin's API (tools and tests); the responses in order. */
  run(commands: Command[]): Promise<Response[]> {
    return this.send(commands);
  }

  /** One batch of commands; any error in the responses (but `tolerated`) rejects. */
  private send(commands: Command[], tolerated?: RegExp): Promise<Response[]> {
    const run = this.queue.then(() => this.sendNow(commands, tolerated));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private sendNow(commands: Command[], tolerated?: RegExp): Promise<Response[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('message', onMessage);
        reject(
          new Error(`the broker's dynamic-security plugin did not answer in ${this.timeoutMs} ms`),
        );
      }, this.timeoutMs);
      const onMessage = (topic: string, payload: Buffer): void => {
        if (topic !== `${CONTROL}/response`) return;
        clearTimeout(timer);
        this.client.off('message', onMessage);
        const { responses = [] } = JSON.parse(payload.toString()) as { responses?: Response[] };
        const failed = responses.filter((r) => r.error && !tolerated?.test(r.error));
        if (failed.length === 0) resolve(responses);
        else reject(new Error(failed.map((r) => `${r.command}: ${r.error}`).join('; ')));
      };
      this.client.on('message', onMessage);
      this.client.publish(CONTROL, JSON.stringify({ commands }), { qos: 1 }, (error) => {
        if (error) {
          clearTimeout(timer);
          this.client.off('message', onMessage);
          reject(error);
        }
      });
    });
  }
}
