/**
 * A few of the 120 wards of 2025 in Cambridgeshire and Peterborough, with their districts.
 *
 * Source: Office for National Statistics licensed under the Open Government Licence v3.0
 * (`cambs_pboro_wards2025.csv`, from drkane/geo-lookups). Contains OS data © Crown copyright and
 * database right.
 */
export interface Ward {
  readonly code: string
  readonly name: string
  readonly district: string
}

export const WARDS: ReadonlyArray<Ward> = [
  { code: 'E05013050', name: 'Abbey', district: 'E07000008' },
  { code: 'E05013051', name: 'Arbury', district: 'E07000008' },
  { code: 'E05011563', name: 'Ely East', district: 'E07000009' },
  { code: 'E05015426', name: 'March East', district: 'E07000010' },
  { code: 'E05015436', name: 'Wisbech Riverside', district: 'E07000010' },
  { code: 'E05011268', name: 'Ramsey', district: 'E07000011' },
  { code: 'E05011295', name: 'Hardwick', district: 'E07000012' },
  { code: 'E05010806', name: 'Bretton', district: 'E06000031' },
  { code: 'E05010807', name: 'Central', district: 'E06000031' },
]
