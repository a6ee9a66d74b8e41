import { TEST_API_KEY } from './dispositivo';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** JSON over real HTTP with the test API key unless `apiKey` is null. */
export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  options: { apiKey?: string | null; raw?: string; contentType?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  const apiKey = options.apiKey === undefined ? TEST_API_KEY : options.apiKey;
  if (apiKey) headers['x-api-key'] = apiKey;
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text so the assertion shows it
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}
