import { byteaDeCopia } from './copy-out';

/** A binary COPY stream as PostgreSQL writes it: signature, flags, extension, tuples, trailer. */
function copia(campos: Array<Buffer | null> | null, extension = Buffer.alloc(0)): Buffer {
  const partes: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4)];
  const largoExt = Buffer.alloc(4);
  largoExt.writeInt32BE(extension.length);
  partes.push(largoExt, extension);
  if (campos) {
    const n = Buffer.alloc(2);
    n.writeInt16BE(campos.length);
    partes.push(n);
    for (const c of campos) {
      const largo = Buffer.alloc(4);
      largo.writeInt32BE(c ? c.length : -1);
      partes.push(largo, ...(c ? [c] : []));
    }
  }
  partes.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(partes);
}

describe('byteaDeCopia', () => {
  it('returns the first field of the first tuple, past a header extension', () => {
    const valor = Buffer.from([1, 2, 3, 0, 255]);
    expect(byteaDeCopia(copia([valor]))).toEqual(valor);
    expect(byteaDeCopia(copia([valor], Buffer.from('ext')))).toEqual(valor);
  });

  it('is null for a NULL field and for no tuple at all', () => {
    expect(byteaDeCopia(copia([null]))).toBeNull();
    expect(byteaDeCopia(copia(null))).toBeNull();
  });

  it('refuses what is not a binary COPY stream', () => {
    expect(() => byteaDeCopia(Buffer.from('\\x0102'))).toThrow('not a binary COPY stream');
    expect(() => byteaDeCopia(Buffer.alloc(0))).toThrow('not a binary COPY stream');
  });
});
