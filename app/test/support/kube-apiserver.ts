/**
 * The kube-apiserver stand-in set up for gatehouse as a pod would see its cluster: a private CA,
 * gatehouse's own ServiceAccount token (auth/gatehouse) in a token file, the chart's RBAC for it,
 * and the settings that point gatehouse there. The test's own grants are added to the chart's.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatehouseGrants, type Grant } from '../../../e2e/stand-ins/kube-apiserver/rbac.ts';
import { createTokenSigner, type TokenSigner } from '../../../e2e/stand-ins/kube-apiserver/service-account-tokens.ts';
import { startKubeApiServerStandIn, type KubeApiServerStandIn } from '../../../e2e/stand-ins/kube-apiserver/stand-in.ts';
import { createTestCertificates } from '../../../e2e/support/tls-certificates.ts';

/** gatehouse's own ServiceAccount, as the chart names it. */
export const GATEHOUSE_ACCOUNT = { namespace: 'auth', name: 'gatehouse' } as const;

/** The stand-in with gatehouse's files. */
export interface KubeApiServerForGatehouse {
  readonly standIn: KubeApiServerStandIn;
  readonly signer: TokenSigner;
  /** GATEHOUSE_KUBERNETES_* for gatehouse, with the given audience. */
  env(audience: string): Record<string, string>;
  /** The token gatehouse sends now (what its token file holds). */
  readonly callerToken: string;
  /** Writes a new token for gatehouse into its token file, as the kubelet rotates it. */
  rotateCallerToken(): Promise<string>;
  /** A pod's projected token. */
  podToken(namespace: string, name: string, audiences?: readonly string[], expiresInSec?: number): Promise<string>;
  close(): Promise<void>;
}

/** Starts it; `grants` are added to gatehouse's own (create tokenreviews and subjectaccessreviews). */
export async function startKubeApiServerForGatehouse(grants: readonly Grant[] = []): Promise<KubeApiServerForGatehouse> {
  const certificates = await createTestCertificates();
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-kube-'));
  try {
    const signer = await createTokenSigner();
    const standIn = await startKubeApiServerStandIn({
      tls: { cert: await readFile(certificates.certFile, 'utf8'), key: await readFile(certificates.keyFile, 'utf8') },
      signer,
      grants: [...gatehouseGrants(`system:serviceaccount:${GATEHOUSE_ACCOUNT.namespace}:${GATEHOUSE_ACCOUNT.name}`), ...grants],
    });
    const tokenFile = join(dir, 'token');
    const issueCaller = () => signer.issue({ ...GATEHOUSE_ACCOUNT, audiences: [signer.issuer] });
    let callerToken = await issueCaller();
    await writeFile(tokenFile, callerToken);
    return {
      standIn,
      signer,
      env: (audience) => ({
        GATEHOUSE_SERVICEACCOUNT_AUDIENCE: audience,
        GATEHOUSE_KUBERNETES_API_URL: standIn.url,
        GATEHOUSE_KUBERNETES_CA_FILE: certificates.caFile,
        GATEHOUSE_KUBERNETES_TOKEN_FILE: tokenFile,
      }),
      get callerToken() {
        return callerToken;
      },
      async rotateCallerToken() {
        callerToken = await issueCaller();
        await writeFile(tokenFile, callerToken);
        return callerToken;
      },
      podToken: (namespace, name, audiences = ['gatehouse'], expiresInSec) => signer.issue({ namespace, name, audiences, ...(expiresInSec !== undefined && { expiresInSec }) }),
      async close() {
        await standIn.close();
        await rm(dir, { recursive: true, force: true });
        await rm(certificates.dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    await rm(certificates.dir, { recursive: true, force: true });
    throw error;
  }
}
