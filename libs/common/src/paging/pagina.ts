/** The row a full page ends on (the next page starts after it); undefined when the page is the last. */
export function ultimaDePagina<T>(filas: readonly T[], limite: number): T | undefined {
  return filas.length === limite ? filas[filas.length - 1] : undefined;
}
