/**
 * Organisation identifiers in the org-id style (`<list>-<id>`, see org-id.guide): the register a
 * body is on, then its number there. The lists a council's partners are found on are checked by
 * their own pattern; a body on none of them — a parish council, an NHS alliance, a programme —
 * gets a local identifier, `local:<name>`, which says so.
 */

/** The registers recognised, each with the shape of its identifiers. */
export const ORG_ID_SCHEMES: Readonly<Record<string, { readonly register: string; readonly id: RegExp }>> = {
  'GB-LAE': { register: 'Local authorities in England', id: /^[A-Z]{3,4}$/ },
  'GB-LAS': { register: 'Local authorities in Scotland', id: /^[A-Z]{3,4}$/ },
  'GB-PLA': { register: 'Principal local authorities in Wales', id: /^[A-Z]{3,4}$/ },
  'GB-LANI': { register: 'Local authorities in Northern Ireland', id: /^[A-Z]{3,4}$/ },
  'GB-CHC': { register: 'Charity Commission for England and Wales', id: /^\d{6,7}$/ },
  'GB-SC': { register: 'Scottish Charity Regulator', id: /^SC\d{6}$/ },
  'GB-NIC': { register: 'Charity Commission for Northern Ireland', id: /^\d{6}$/ },
  'GB-COH': { register: 'Companies House', id: /^(\d{8}|[A-Z]{2}\d{6})$/ },
  'GB-EDU': { register: 'Get Information about Schools (URN)', id: /^\d{6}$/ },
  'GB-NHS': { register: 'NHS Organisation Data Service', id: /^[A-Z0-9]{3,6}$/ },
  'GB-GOR': { register: 'Government Organisation Register', id: /^[A-Z]{2}\d{1,5}$/ },
  'GB-MPR': { register: 'Mutuals Public Register', id: /^\d{1,6}[A-Z]{0,3}$/ },
}

const LOCAL = /^local:[a-z0-9][a-z0-9-]{0,99}$/

/** Is `id` a local identifier (`local:<name>`)? */
export const isLocalOrgId = (id: string): boolean => LOCAL.test(id)

/** Why `id` is not an organisation identifier, or undefined when it is one. */
export const orgIdProblem = (id: string): string | undefined => {
  if (id.startsWith('local:'))
    return LOCAL.test(id)
      ? undefined
      : 'a local identifier is local: and 1–100 of a-z, 0-9 and -, starting with a letter or digit'
  const scheme = Object.keys(ORG_ID_SCHEMES).find((s) => id.startsWith(`${s}-`))
  if (scheme === undefined)
    return `no recognised register prefix (${Object.keys(ORG_ID_SCHEMES).join(', ')}), and not local:<name>`
  const rule = ORG_ID_SCHEMES[scheme]
  const rest = id.slice(scheme.length + 1)
  return rule !== undefined && rule.id.test(rest) ? undefined : `not an identifier of the ${rule?.register} (${scheme})`
}
