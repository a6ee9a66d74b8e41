import { mayPublish, allowedTopics, DEFAULT_TOPICS } from './topics';

describe('MQTT topic layout', () => {
  it('keeps the original topic and the per-device one (the wire contract)', () => {
    expect(DEFAULT_TOPICS).toEqual(['iot/sensors4387t5', 'dispositivos/+/lecturas']);
    expect(allowedTopics(['A1', 'B2'])).toEqual([
      'dispositivos/A1/lecturas',
      'dispositivos/B2/lecturas',
    ]);
  });

  it.each([
    [null, 'dispositivos/X9/lecturas', true],
    [null, 'iot/sensors4387t5', true],
    [null, 'dispositivos/X9/otra', false],
    [null, 'dispositivos/X9/lecturas/extra', false],
    [['A1'], 'dispositivos/A1/lecturas', true],
    [['A1'], 'dispositivos/B2/lecturas', false],
    [['A1'], 'iot/sensors4387t5', false],
  ])('a key bound to %p may publish to %s: %p', (series, topic, allowed) => {
    expect(mayPublish(series, topic)).toBe(allowed);
  });
});
