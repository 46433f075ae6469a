/**
 * What settings know of a service for correlation: the services it depends on (transitively) and
 * the Prometheus labels that select it as a whole (every version).
 */

/** A service's entry in settings `services` (the fields correlation reads). */
export interface ServiceSetting {
  readonly dependsOn: readonly string[];
  /** Labels selecting the whole service; `{ service: <name> }` when absent. */
  readonly labels?: Readonly<Record<string, string>>;
}

export type ServiceSettings = Readonly<Record<string, ServiceSetting>>;

/**
 * Every service `service` depends on, directly or through others, sorted; never itself (a cycle in
 * the settings stops at the service).
 */
export function dependenciesOf(service: string, services: ServiceSettings): string[] {
  const found = new Set<string>();
  const pending = [...(services[service]?.dependsOn ?? [])];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next === service || found.has(next)) continue;
    found.add(next);
    pending.push(...(services[next]?.dependsOn ?? []));
  }
  return [...found].sort();
}

/** The labels selecting the whole service for its KHI series: configured, or `{ service: <name> }`. */
export function serviceSelector(
  service: string,
  services: ServiceSettings,
): Readonly<Record<string, string>> {
  return services[service]?.labels ?? { service };
}

/** True when settings describe the service. */
export function isKnownService(service: string, services: ServiceSettings): boolean {
  return Object.hasOwn(services, service);
}
