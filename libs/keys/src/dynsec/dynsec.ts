import { allowedTopics } from '@iot/contracts';
import { connectAsync, MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { DynsecConfig } from './dynsec.config';

const CONTROL = '$CONTROL/dynamic-security/v1';

type Command = { command: string } & Record<string, unknown>;

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
    private readonly timeoutMs: number,
  ) {}

  static async connect(config: DynsecConfig): Promise<Dynsec> {
    const client = await connectAsync(config.url, {
      clientId: `iot-keys-${randomUUID()}`,
      reconnectPeriod: 0,
      connectTimeout: config.timeoutMs,
    });
    await client.subscribeAsync(`${CONTROL}/response`, { qos: 1 });
    return new Dynsec(client, config.timeoutMs);
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

  /** dispositivo's own subscriber: reads every reading topic and `$SYS` (drop counters). */
  async ensureService(username: string, password: string, topics: string[]): Promise<void> {
    const rolename = 'dispositivo-service';
    // Mosquitto checks a shared subscription against its whole `$share/<group>/…` filter
    const filters = topics.flatMap((t) => [t, `$share/+/${t}`]);
    const acls = [...filters, '$SYS/#'].map((topic) => ({
      acltype: 'subscribePattern',
      topic,
      allow: true,
    }));
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
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }

  /** Any commands of the plugin's API (tools and tests). */
  run(commands: Command[]): Promise<void> {
    return this.send(commands);
  }

  /** One batch of commands; any error in the responses (but `tolerated`) rejects. */
  private send(commands: Command[], tolerated?: RegExp): Promise<void> {
    const run = this.queue.then(() => this.sendNow(commands, tolerated));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private sendNow(commands: Command[], tolerated?: RegExp): Promise<void> {
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
        const { responses = [] } = JSON.parse(payload.toString()) as {
          responses?: Array<{ command: string; error?: string }>;
        };
        const failed = responses.filter((r) => r.error && !tolerated?.test(r.error));
        if (failed.length === 0) resolve();
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
