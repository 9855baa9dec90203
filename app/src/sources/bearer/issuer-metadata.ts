/**
 * A listed issuer's metadata (OpenID Connect Discovery 1.0 §4, RFC 8414): where its key set and
 * its introspection endpoint are, for whatever the config file does not name. The document must
 * name the configured issuer exactly (Discovery §4.3), or it is not used. A document that was read
 * is kept for the life of the process; a failure is kept for 30 s, so a check arriving later asks
 * again but a flood of checks during the issuer's outage costs it one request per 30 s. The bearer
 * and introspection sources share one reader per issuer, so start-up reads each document once.
 */
import type { IssuerSettings } from '../../config/bearer-settings.ts';
import type { OutboundFetch } from '../../http/outbound/logged-fetch.ts';

/** What gatehouse reads from the document. */
export interface IssuerMetadata {
  readonly jwksUri: string | undefined;
  readonly introspectionEndpoint: string | undefined;
}

/** How long a failed read answers for the document before it is tried again. */
const FAILURE_COOLDOWN_MS = 30_000;
/** Real discovery documents are a few KiB. */
const MAX_BODY_BYTES = 256 * 1024;

const readers = new WeakMap<IssuerSettings, () => Promise<IssuerMetadata>>();

function endpoint(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new Error(`the discovery document's ${name} is not an http(s) URL`);
  }
  return value;
}

async function readDocument(settings: IssuerSettings, fetchDocument: OutboundFetch): Promise<IssuerMetadata> {
  const response = await fetchDocument(settings.discoveryUrl.href, {
    headers: { accept: 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(settings.timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`discovery answered ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new Error('the discovery document is too large');
  }
  const text = await response.text();
  if (text.length > MAX_BODY_BYTES) throw new Error('the discovery document is too large');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error('the discovery document is not JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error('the discovery document is not a JSON object');
  const fields = document as Record<string, unknown>;
  if (fields.issuer !== settings.issuer) throw new Error('the discovery document names another issuer');
  return { jwksUri: endpoint(fields.jwks_uri, 'jwks_uri'), introspectionEndpoint: endpoint(fields.introspection_endpoint, 'introspection_endpoint') };
}

/**
 * The metadata reader of `settings`, one per issuer for the process.
 * @param fetchDocument - the issuer's discovery fetch (its dispatcher)
 * @returns a function that reads the document once it is needed and keeps it once read
 */
export function issuerMetadata(settings: IssuerSettings, fetchDocument: OutboundFetch): () => Promise<IssuerMetadata> {
  let reader = readers.get(settings);
  if (reader === undefined) {
    let read: Promise<IssuerMetadata> | undefined;
    let failedAt = 0;
    reader = () => {
      if (read === undefined || (failedAt !== 0 && Date.now() - failedAt >= FAILURE_COOLDOWN_MS)) {
        failedAt = 0;
        read = readDocument(settings, fetchDocument);
        read.catch(() => (failedAt = Date.now()));
      }
      return read;
    };
    readers.set(settings, reader);
  }
  return reader;
}
