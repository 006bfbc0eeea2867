import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@phzzk/testing';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// The Kubernetes manifests: valid YAML, NetworkPolicies that keep the inside closed, and
// credentials only in Secrets.

const dir = join(repoRoot, 'deploy/kubernetes');
type Doc = { kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> } & Record<string, unknown>;
function docsOf(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of docs) expect(d.errors, file).toEqual([]);
  return docs.map((d) => d.toJS() as Doc).filter(Boolean);
}
const files = [
  ...readdirSync(dir).filter((f) => f.endsWith('.yaml')),
  ...readdirSync(join(dir, 'data-stores')).map((f) => `data-stores/${f}`),
];
const all = files.flatMap((f) => docsOf(join(dir, f)).map((doc) => ({ file: f, doc })));

describe('deploy/kubernetes', () => {
  it('is valid YAML and the kustomization lists every manifest', () => {
    const kustomization = all.find((d) => d.file === 'kustomization.yaml')?.doc as { resources: string[] };
    const manifests = files.filter((f) => !f.includes('/') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });

  it('denies by default and lets only the gateway (and RTMP) in from outside', () => {
    const policies = all.filter((d) => d.doc.kind === 'NetworkPolicy').map((d) => d.doc);
    const byName = new Map(policies.map((p) => [p.metadata?.name, p.spec]));
    expect(byName.get('default-deny')).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(byName.get('gateway-public')).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } },
    });
    const services = byName.get('services-from-platform') as { ingress: { from: unknown[] }[] };
    expect(services.ingress.every((rule) => Array.isArray(rule.from) && rule.from.length > 0)).toBe(true);
    expect(byName.get('only-phzzk-services')).toBeDefined();
  });

  it('deploys every service and app of the checkout (discovery is cluster DNS there)', () => {
    const deployed = (kind: string) => new Set(all.filter((d) => d.doc.kind === kind).map((d) => d.doc.metadata?.name));
    const processes = ['services', 'apps'].flatMap((folder) =>
      readdirSync(join(repoRoot, folder), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(repoRoot, folder, d.name, 'src', 'main.ts')))
        .map((d) => d.name)
        .filter((name) => name !== 'discovery'),
    );
    expect(processes.length).toBeGreaterThan(10);
    for (const name of processes) {
      expect(deployed('Deployment').has(name), `${name}: Deployment`).toBe(true);
      expect(deployed('Service').has(name), `${name}: Service`).toBe(true);
    }
  });

  it('gives the transcoder and the packager one shared media volume', () => {
    type Pod = { volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
    const claimOf = (name: string) => {
      const deployment = all.find((d) => d.doc.kind === 'Deployment' && d.doc.metadata?.name === name)?.doc;
      const pod = (deployment?.spec as { template: { spec: Pod } } | undefined)?.template.spec;
      return pod?.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
    };
    const claim = all.find((d) => d.doc.kind === 'PersistentVolumeClaim')?.doc;
    expect(claim?.spec).toMatchObject({ accessModes: ['ReadWriteMany'] });
    expect(claimOf('transcoder')).toBe(claim?.metadata?.name);
    expect(claimOf('packager')).toBe(claim?.metadata?.name);
  });

  it('keeps credentials in Secrets, never in ConfigMaps or plain env values', () => {
    const secretish = /PASSWORD|SECRET|ENCRYPT_KEY|TOKEN/;
    for (const { file, doc } of all) {
      if (doc.kind === 'ConfigMap') {
        for (const key of Object.keys((doc.data as Record<string, string>) ?? {}))
          expect(key, file).not.toMatch(secretish);
      }
      const text = JSON.stringify(doc);
      for (const m of text.matchAll(/\{"name":"([A-Z_]+)","value":/g)) expect(m[1], file).not.toMatch(secretish);
    }
    const secrets = all.filter((d) => d.doc.kind === 'Secret').map((d) => d.doc.metadata?.name);
    expect(secrets).toEqual(expect.arrayContaining(['phzzk-config-secrets', 'phzzk-config-client']));
  });

  it("gives each service its own private key, referenced by its Deployment alone, and everyone's public keys", () => {
    type Container = { envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[] };
    const deployments = all
      .filter((d) => d.doc.kind === 'Deployment')
      .map((d) => ({
        name: d.doc.metadata?.name ?? '',
        refs: (d.doc.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers
          .flatMap((c) => c.envFrom ?? [])
          .flatMap((e) => (e.secretRef ? [e.secretRef.name] : [])),
      }));
    const signing = deployments.filter((d) => d.refs.includes('phzzk-service-trust'));
    expect(signing.map((d) => d.name)).toEqual(expect.arrayContaining(['user', 'auth', 'chat', 'channel', 'ingest']));
    const keySecrets = all.filter(
      (d) => d.doc.kind === 'Secret' && d.doc.metadata?.name?.startsWith('phzzk-service-key-'),
    );
    for (const d of signing) {
      const own = d.refs.filter((r) => r.startsWith('phzzk-service-key-'));
      expect(own, d.name).toEqual([`phzzk-service-key-${d.name}`]);
      const secret = keySecrets.find((s) => s.doc.metadata?.name === own[0])?.doc;
      expect(Object.keys((secret?.stringData as Record<string, string>) ?? {}), d.name).toEqual([
        'SECURITY_SERVICE_PRIVATE_KEY',
      ]);
    }
    // Every key Secret belongs to one Deployment: none is shared.
    expect(keySecrets.length).toBe(signing.length);
    const platform = all.find((d) => d.doc.kind === 'ConfigMap' && d.doc.metadata?.name === 'phzzk-platform')?.doc;
    const publicKeys = JSON.parse(
      ((platform?.data ?? {}) as Record<string, string>).SECURITY_SERVICE_PUBLIC_KEYS ?? '{}',
    );
    expect(Object.keys(publicKeys).sort()).toEqual([...signing.map((d) => d.name), 'operator'].sort());
  });
});
