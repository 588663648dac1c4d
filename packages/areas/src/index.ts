/**
 * `@civic-ledger/areas`: geography for Civic Ledger — boundary releases and lookups, PCNs and
 * practices, service delivery areas by the dominant-LSOA method — with the real Cambridgeshire and
 * Peterborough reference data.
 */
export { AREA_TYPES, AreaTypeCodec, LookupMethod, Vintage, codeProblem, isAreaType, typeOfCode } from './codes'
export type { AreaType } from './codes'
export { CsvError, parseCsv } from './csv'
export type { CsvRow } from './csv'
export {
  AreaSetRef,
  AreasRecorded,
  ImportRelease,
  LookupRecorded,
  ReleaseCommand,
  ReleaseImported,
  Source,
  geographyReleases,
  releaseEvents,
  releaseProblems,
} from './release'
export type { AreaSet, ImportReleaseInput, Lookup, ReleaseEvent, ReleaseState, SourceInput } from './release'
export {
  PcnClosed,
  PcnCommand,
  PcnOpened,
  PcnReferenceImported,
  PracticeMoved,
  pcnEvents,
  pcnOn,
  pcnOpenOn,
  pcnReferences,
} from './pcn'
export type { Membership, PcnCommandInput, PcnEvent, PcnRecord, PcnReferenceState } from './pcn'
export { assignDominantLsoa } from './dominant-lsoa'
export type { Assignment, AssignmentRun as AssignmentRunResult, RegistrationRow, RowProblem } from './dominant-lsoa'
export {
  AssignmentRun,
  LsoaOverridden,
  SchemeCommand,
  SchemeDefined,
  SchemePublished,
  SchemeSuperseded,
  areaOfLsoa,
  partition,
  schemeEvents,
  serviceDeliveryAreaSchemes,
} from './scheme'
export type { SchemeCommandInput, SchemeEvent, SchemeState, SchemeVersion } from './scheme'
export {
  assignmentFromExtract,
  extractDate,
  formatRegistrationExtract,
  modelRegistrations,
  parseRegistrationExtract,
} from './registrations'
export type { ModelOptions, RegistrationExtract } from './registrations'
export {
  DATA_DIR,
  districtHierarchyRelease,
  lsoa2011HealthRelease,
  msoaRelease,
  lsoa2011WardRelease,
  lsoa2021Centroids,
  lsoa2021Ward2025Release,
  parishRelease,
  practiceRows,
  readDataFile,
  referenceReleases,
  wardDivisionRelease,
} from './reference-data'
export type { LsoaCentroid, PracticeRow } from './reference-data'
export { AREA_DATA_STEWARD, GEOGRAPHY_OFFICER, areasPolicy } from './policy'
export {
  Aggregation,
  IndicatorDefined,
  IndicatorValuesRecorded,
  ProfileCommand,
  aggregateIndicator,
  areaProfiles,
  profileEvents,
} from './profile'
export type { AggregatedValue, ProfileCommandInput, ProfileEvent, ProfileState } from './profile'
export {
  areaDocs,
  areaProfileValues,
  indicatorDocs,
  indicatorValueDocs,
  areaLookups,
  areaRegistry,
  areasPlugin,
  createAreaQueries,
  linkDocs,
  releaseDocs,
  schemeLsoaDocs,
  schemeVersionDocs,
  serviceDeliveryAreas,
} from './read-models'
export type {
  IndicatorDoc,
  IndicatorValueDoc,
  AreaDoc,
  AreaQueries,
  Containment,
  LinkDoc,
  ReleaseDoc,
  SchemeLsoaDoc,
  SchemeVersionDoc,
} from './read-models'
export {
  AreasSetupError,
  MODELLED_EXTRACT_FILE,
  importReferenceData,
  publishModelledScheme,
  referencePcnImport,
} from './ledger-setup'
export type { Actor } from './ledger-setup'
