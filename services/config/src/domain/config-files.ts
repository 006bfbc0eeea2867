import { parseProperties } from './properties-parse.ts';
import type { Source } from './types.ts';
import { flattenDocument, parseYamlDocuments } from './yaml-flatten.ts';

/** A configuration file of the repository, parsed: one source per document. */
export interface ConfigFile {
  /** Path in the repository, e.g. `gateway-dev.yml`. */
  path: string;
  extension: ConfigExtension;
  documents: ConfigDocument[];
}

export interface ConfigDocument {
  /** Profiles that activate this document (`spring.config.activate.on-profile`), or null: always. */
  onProfile: string[] | null;
  source: Source;
}

export type ConfigExtension = 'properties' | 'yml' | 'yaml';
// Spring Boot's precedence within one base name: .properties over .yml over .yaml.
export const EXTENSION_PRECEDENCE: readonly ConfigExtension[] = ['properties', 'yml', 'yaml'];

const FILE = /^([^/]+?)\.(properties|ya?ml)$/;

export class ConfigFileError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ConfigFileError';
    this.path = path;
  }
}

/** True for the files a config server reads: top-level .yml, .yaml and .properties files. */
export function isConfigFile(path: string): boolean {
  return FILE.test(path);
}

/**
 * Splits `name[-profile].ext`. Where a name holds a dash the split is ambiguous; the file is
 * filed under every reading (`a-b-c.yml`: a/b-c, a-b/c, a-b-c/none) and lookup picks the one asked.
 */
export function fileReadings(path: string): { name: string; profile: string | null }[] {
  const m = FILE.exec(path);
  if (!m) return [];
  const base = m[1] as string;
  const readings: { name: string; profile: string | null }[] = [{ name: base, profile: null }];
  for (let i = base.indexOf('-'); i > 0; i = base.indexOf('-', i + 1)) {
    if (i < base.length - 1) readings.push({ name: base.slice(0, i), profile: base.slice(i + 1) });
  }
  return readings;
}

function activationOf(source: Source): string[] | null {
  const raw = source['spring.config.activate.on-profile'] ?? source['spring.profiles'];
  const listed = Object.keys(source)
    .filter((k) => /^spring\.(config\.activate\.on-profile|profiles)\[\d+\]$/.test(k))
    .map((k) => String(source[k]));
  const all = [...(raw === undefined ? [] : String(raw).split(',')), ...listed].map((p) => p.trim()).filter(Boolean);
  return all.length > 0 ? all : null;
}

/** Parses one file's text; throws ConfigFileError when it is not valid YAML/properties. */
export function parseConfigFile(path: string, text: string): ConfigFile {
  const m = FILE.exec(path);
  if (!m) throw new ConfigFileError(path, 'not a configuration file');
  const extension = (m[2] === 'properties' ? 'properties' : m[2]) as ConfigExtension;
  let sources: Source[];
  try {
    sources = extension === 'properties' ? [parseProperties(text)] : parseYamlDocuments(text).map(flattenDocument);
  } catch (error) {
    throw new ConfigFileError(path, (error as Error).message);
  }
  return {
    path,
    extension,
    documents: sources.map((source) => ({ onProfile: activationOf(source), source })),
  };
}

/** Spring's profile expression for a document: any listed profile is active (`!p`: p is not). */
export function documentActive(onProfile: string[] | null, active: readonly string[]): boolean {
  if (!onProfile) return true;
  return onProfile.some((p) => (p.startsWith('!') ? !active.includes(p.slice(1)) : active.includes(p)));
}
