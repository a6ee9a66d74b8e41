import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { zona } from '../hora';

const DIA_MS = 86_400_000;

export interface Serie {
  etiqueta: string;
  color: string;
  valores: (number | null)[];
  barras?: boolean;
}

interface Props {
  /** Instants, epoch ms. */
  t: number[];
  series: Serie[];
  alto?: number;
  /** A drag over the plot: the range selected, epoch ms (the caller fetches it). */
  onRango?: (desde: number, hasta: number) => void;
  etiqueta: string;
}

/**
 * uPlot, in the chosen zone (its dates through uPlot.tzDate), as wide as its
 * box. Nulls break the line (a gap is never drawn across). The element says
 * how many points it drew (`data-puntos`) and how many gaps (`data-huecos`).
 */
export function Grafica({ t, series, alto = 280, onRango, etiqueta }: Props) {
  const caja = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const rango = useRef(onRango);
  rango.current = onRango;

  useEffect(() => {
    const el = caja.current!;
    const barras = uPlot.paths.bars!({ size: [0.8, 40] });
    const opciones: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: alto,
      ms: 1,
      tzDate: (ms) => uPlot.tzDate(new Date(ms), zona.value),
      cursor: { drag: { x: true, y: false, setScale: false } },
      // one instant alone (a single statement's month): a month around it, not a minute
      scales: {
        x: {
          time: true,
          range: (_u, min, max) =>
            min === max ? [min - 15 * DIA_MS, max + 15 * DIA_MS] : [min, max],
        },
      },
      axes: [{}, { size: 60 }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.etiqueta,
          stroke: s.color,
          fill: s.barras ? `${s.color}99` : undefined,
          width: s.barras ? 0 : 1.5,
          paths: s.barras ? barras : undefined,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 5 || !rango.current) return;
            const desde = u.posToVal(u.select.left, 'x');
            const hasta = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            rango.current(Math.round(desde), Math.round(hasta));
          },
        ],
      },
    };
    plot.current = new uPlot(opciones, [t, ...series.map((s) => s.valores)], el);
    const ajustar = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: alto }),
    );
    ajustar.observe(el);
    return () => {
      ajustar.disconnect();
      plot.current?.destroy();
    };
    // a new plot when the series' shape or the zone changes; data alone goes through setData
  }, [series.map((s) => s.etiqueta).join(), alto, zona.value]);

  useEffect(() => {
    plot.current?.setData([t, ...series.map((s) => s.valores)]);
  }, [t, series]);

  const huecos = series[0]?.valores.filter((v) => v === null).length ?? 0;
  return (
    <figure class="grafica">
      <div
        ref={caja}
        role="img"
        aria-label={etiqueta}
        data-puntos={t.length}
        data-huecos={huecos}
      />
    </figure>
  );
}
