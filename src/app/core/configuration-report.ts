// GetConfiguration's report of the configuration (configuration.ts), which the diagnostics
// report carries too: code of the parts only (the Core profile's requests, the Firmware
// Management flows, the security extension's transfers), never resident.
import { Configuration, KeyValue } from './configuration';

/**
 * The given keys (all when none) and the keys the station does not know. Keys are matched
 * case-sensitively, as OCPP's key names are; a write-only key is listed without its value.
 */
export function configurationReport(config: Configuration, requested?: string[]): { configurationKey: KeyValue[]; unknownKey: string[] } {
  const names = requested && requested.length ? requested : config.known();
  const configurationKey: KeyValue[] = [];
  const unknownKey: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const entry = keyValue(config, names[i]);
    if (entry) configurationKey.push(entry);
    else unknownKey.push(names[i]);
  }
  return { configurationKey, unknownKey };
}

/** One key's entry as GetConfiguration lists it (a write-only key without its value); undefined for a key the station does not know. */
export function keyValue(config: Configuration, name: string): KeyValue | undefined {
  const def = config.definition(name);
  if (!def) return undefined;
  return def.writeOnly ? { key: name, readonly: false } : { key: name, readonly: !!def.readonly, value: config.get(name) };
}
