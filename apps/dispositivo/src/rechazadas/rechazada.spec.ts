import { construirRechazada, RECHAZADA_PAYLOAD_MAX_BYTES } from './rechazada';

describe('construirRechazada', () => {
  it('keeps the original bytes, cut at the limit, with the real size', () => {
    const payload = Buffer.alloc(RECHAZADA_PAYLOAD_MAX_BYTES + 10, 0xff);
    const r = construirRechazada('t', payload, [{ field: '(payload)', reason: 'x' }]);
    expect(r.payload.length).toBe(RECHAZADA_PAYLOAD_MAX_BYTES);
    expect(r.payloadBytes).toBe(RECHAZADA_PAYLOAD_MAX_BYTES + 10);
  });

  it('replaces what PostgreSQL text and jsonb cannot hold (U+0000, lone surrogates)', () => {
    const r = construirRechazada('dispositivos/A\u0000B/lecturas', Buffer.from('{'), [
      { field: 'numeroSerie', reason: 'does not match "A\u0000B\ud800"' },
    ]);
    expect(r.topic).toBe('dispositivos/A\uFFFDB/lecturas');
    expect(r.motivos[0].reason).toBe('does not match "A\uFFFDB\uFFFD"');
  });

  it('gives the same message the same huella and another message another', () => {
    const a = construirRechazada('t', Buffer.from('x'), []);
    expect(construirRechazada('t', Buffer.from('x'), []).huella).toEqual(a.huella);
    expect(construirRechazada('t', Buffer.from('y'), []).huella).not.toEqual(a.huella);
    // topic and payload are length-delimited: "ab"+"c" is not "a"+"bc"
    expect(construirRechazada('ab', Buffer.from('c'), []).huella).not.toEqual(
      construirRechazada('a', Buffer.from('bc'), []).huella,
    );
  });
});
