/**
 * `@civic-ledger/areas`: geography for Civic Ledger — boundary releases and lookups, PCNs and
 * practices, service delivery areas by the dominant-LSOA method — with the real Cambridgeshire and
 * Peterborough reference data.
 */
export type { AreaType } from './codes'
export { AREA_TYPES, AreaTypeCodec, codeProblem, isAreaType, LookupMethod, typeOfCode, Vintage } from './codes'
export type { CsvRow } from './csv'
export { CsvError, parseCsv } from './csv'
export type { Assignment, AssignmentRun as AssignmentRunResult, RegistrationRow, RowProblem } from './dominant-lsoa'
export { assignDominantLsoa } from './dominant-lsoa'
export type { Actor } from './ledger-setup'
export {
  AreasSetupError,
  importReferenceData,
  MODELLED_EXTRACT_FILE,
  publishModelledScheme,
  referencePcnImport,
} from './ledger-setup'
export type { Membership, PcnCommandInput, PcnEvent, PcnRecord, PcnReferenceState } from './pcn'
export {
  PcnClosed,
  PcnCommand,
  pcnEvents,
  pcnOn,
  PcnOpened,
  pcnOpenOn,
  PcnReferenceImported,
  pcnReferences,
  PracticeMoved,
} from './pcn'
export { AREA_DATA_STEWARD, areasPolicy, GEOGRAPHY_OFFICER } from './policy'
export type { AggregatedValue, ProfileCommandInput, ProfileEvent, ProfileState } from './profile'
export {
  aggregateIndicator,
  Aggregation,
  areaProfiles,
  IndicatorDefined,
  IndicatorValuesRecorded,
  ProfileCommand,
  profileEvents,
} from './profile'
export type {
  AreaDoc,
  AreaQueries,
  Containment,
  IndicatorDoc,
  IndicatorValueDoc,
  LinkDoc,
  ReleaseDoc,
  SchemeLsoaDoc,
  SchemeVersionDoc,
} from './read-models'
export {
  areaDocs,
  areaLookups,
  areaProfileValues,
  areaRegistry,
  areasPlugin,
  createAreaQueries,
  indicatorDocs,
  indicatorValueDocs,
  linkDocs,
  releaseDocs,
  schemeLsoaDocs,
  schemeVersionDocs,
  serviceDeliveryAreas,
} from './read-models'
export type { LsoaCentroid, PracticeRow } from './reference-data'
export {
  DATA_DIR,
  districtHierarchyRelease,
  lsoa2011HealthRelease,
  lsoa2011WardRelease,
  lsoa2021Centroids,
  lsoa2021Ward2025Release,
  msoaRelease,
  parishRelease,
  practiceRows,
  readDataFile,
  referenceReleases,
  wardDivisionRelease,
} from './reference-data'
export type { ModelOptions, RegistrationExtract } from './registrations'
export {
  assignmentFromExtract,
  extractDate,
  formatRegistrationExtract,
  modelRegistrations,
  parseRegistrationExtract,
} from './registrations'
export type { AreaSet, ImportReleaseInput, Lookup, ReleaseEvent, ReleaseState, SourceInput } from './release'
export {
  AreaSetRef,
  AreasRecorded,
  geographyReleases,
  ImportRelease,
  LookupRecorded,
  ReleaseCommand,
  releaseEvents,
  ReleaseImported,
  releaseProblems,
  Source,
} from './release'
export type { SchemeCommandInput, SchemeEvent, SchemeState, SchemeVersion } from './scheme'
export {
  areaOfLsoa,
  AssignmentRun,
  LsoaOverridden,
  partition,
  SchemeCommand,
  SchemeDefined,
  schemeEvents,
  SchemePublished,
  SchemeSuperseded,
  serviceDeliveryAreaSchemes,
} from './scheme'
