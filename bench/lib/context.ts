/** What every scenario is given by bench/run.ts. */
export interface BenchContext {
  serverUrl: string;
  durationS: number;
  rounds: number;
  apiKey: string;
  gatewaySecret: string;
}
