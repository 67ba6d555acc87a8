import { ApiError, problemFrom } from './api-error';

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The public `/v1` API with the shop's key, as any other client calls it.
 * A refused request throws an {@link ApiError}; a 401 also tells the
 * session, which then asks for the key again.
 */
export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body: unknown = {}, headers = {}): Promise<T> {
    return this.request<T>('POST', path, json(body), headers);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, json(body));
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  /** Multipart upload; the browser sets the boundary. */
  upload<T>(path: string, form: FormData): Promise<T> {
    return this.request<T>('POST', path, { body: form });
  }

  private async request<T>(
    method: string,
    path: string,
    payload: { body?: BodyInit; contentType?: string } = {},
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(path, {
      method,
      body: payload.body,
      headers: {
        Authorization: `Bearer ${this.key}`,
        Accept: 'application/json',
        ...(payload.contentType ? { 'Content-Type': payload.contentType } : {}),
        ...headers,
      },
    }).catch(() => {
      throw new ApiError(0, 'network', 'Le serveur ne répond pas.');
    });

    if (response.status === 401) this.onUnauthorized();
    if (response.status === 204) return undefined as T;
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw problemFrom(response.status, body);
    return body as T;
  }
}

function json(body: unknown): { body: string; contentType: string } {
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
