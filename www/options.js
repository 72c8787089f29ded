// The options form -> the core's ConvertOptions, with the CLI's meanings and defaults
// (host/cli/convert.js): a field left at its default is omitted, so the core applies its own.
// Pure functions over plain values, so Node tests can check them without a DOM.

export class OptionsError extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

/**
 * Parses the provider map textarea: one `clerk_provider=thirdPartyId` per line; blank lines
 * and lines starting with `#` are ignored.
 * @param {string} text
 * @returns {Record<string, string> | undefined}
 */
export function parseProviderMap(text) {
  const map = {};
  const lines = (text ?? '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 1 || eq === line.length - 1) {
      throw new OptionsError(`provider map line ${i + 1}: expected clerk_provider=thirdPartyId, got '${line}'`, 'providerMap');
    }
    map[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return Object.keys(map).length ? map : undefined;
}

/**
 * @param {{features?: string[], tenant?: string, unsupportedHash?: string, batchSize?: string,
 *   banned?: string, externalId?: string, providerMap?: string, rolesFrom?: string,
 *   includePrivateMetadata?: boolean, inputFormat?: string, legacyVerified?: boolean}} v
 *   the form's values as strings and booleans
 * @returns {import('./pkg/clerk_to_supertokens.js').ConvertOptions}
 */
export function formToOptions(v) {
  const batchText = (v.batchSize ?? '').trim();
  let batchSize;
  if (batchText !== '') {
    if (!/^\d+$/.test(batchText)) throw new OptionsError(`batch size must be a whole number, got '${batchText}'`, 'batchSize');
    batchSize = Number(batchText);
  }
  const text = (s) => ((s ?? '').trim() === '' ? undefined : s.trim());
  const options = {
    batchSize,
    features: v.features?.length ? [...v.features] : undefined,
    tenant: text(v.tenant),
    unsupportedHash: text(v.unsupportedHash),
    externalId: text(v.externalId),
    providerMap: parseProviderMap(v.providerMap),
    rolesFrom: text(v.rolesFrom),
    includePrivateMetadata: v.includePrivateMetadata || undefined,
    banned: text(v.banned),
    inputFormat: text(v.inputFormat),
    legacyVerified: v.legacyVerified || undefined,
  };
  return Object.fromEntries(Object.entries(options).filter(([, x]) => x !== undefined));
}

const LABELS = {
  batchSize: 'batch size', features: 'features', tenant: 'tenant', unsupportedHash: 'unsupported hash',
  externalId: 'external id', providerMap: 'provider map', rolesFrom: 'roles from',
  includePrivateMetadata: 'private metadata', banned: 'banned', inputFormat: 'input format',
  legacyVerified: 'legacy verified',
};
const DEFAULTS = { batchSize: 10000, unsupportedHash: 'defer', externalId: 'clerk-id', banned: 'skip' };

/** One line naming the options that differ from the CLI's defaults. */
export function describeOptions(options) {
  const parts = [];
  for (const [key, value] of Object.entries(options)) {
    if (DEFAULTS[key] === value) continue;
    const shown = Array.isArray(value) ? value.join(', ')
      : typeof value === 'object' ? Object.entries(value).map(([a, b]) => `${a}=${b}`).join(', ')
        : value === true ? 'yes' : String(value);
    parts.push(`${LABELS[key] ?? key}: ${shown}`);
  }
  return parts.length ? parts.join(' · ') : 'CLI defaults';
}
