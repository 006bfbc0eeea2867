// The Spring Cloud Config wire shapes (org.springframework.cloud.config.environment.*).

/** A flattened property value as Spring serialises it: YAML scalars keep their type. */
export type PropertyValue = string | number | boolean;

/** Flat, insertion-ordered map of dotted keys (`a.b[0].c`). Built without a prototype. */
export type Source = Record<string, PropertyValue>;

export interface PropertySource {
  name: string;
  source: Source;
}

export interface Environment {
  name: string;
  profiles: string[];
  label: string | null;
  version: string | null;
  state: string | null;
  propertySources: PropertySource[];
}

/** A map that cannot be polluted through keys like `__proto__` (they come from repository files). */
export function emptySource(): Source {
  return Object.create(null) as Source;
}
