/**
 * `@civic-ledger/areas`: geography for Civic Ledger — boundary releases and lookups, PCNs and
 * practices, service delivery areas made by grouping PCNs and giving each LSOA to the area of its
 * dominant PCN, and area profiles — with the real Cambridgeshire and Peterborough reference data.
 *
 * Inside: one folder per aggregate (`release/`, `places/`, `pcn-reference/`, `indicator/`, `sda-scheme/`, each
 * `events`, `commands`, `state`, `decide`, `aggregate`), `read-models/`, `workflows/` (what calls a
 * ledger), `lib/` (pure helpers and the shipped data), `ids.ts` and `policy.ts`.
 */

// --- ids and policy ---
export type {
  AreaCodeBrand,
  AreaIdBrand,
  IndicatorIdBrand,
  PcnReferenceIdBrand,
  PlaceIndexIdBrand,
  ReleaseIdBrand,
  SchemeIdBrand,
  SchemeVersionNumberBrand,
} from './ids'
export {
  AreaCode,
  AreaId,
  IndicatorId,
  PcnReferenceId,
  PlaceIndexId,
  ReleaseId,
  SchemeId,
  SchemeVersionNumber,
} from './ids'
export { AREA_DATA_STEWARD, areasPolicy, GEOGRAPHY_OFFICER } from './policy'

// --- GeographyRelease ---
export { geographyReleases } from './release/aggregate'
export type { ImportReleaseInput, ReleaseCommandInput } from './release/commands'
export { ImportRelease, ReleaseCommand } from './release/commands'
export { releaseProblems } from './release/decide'
export type { Area, AreaSet, Lookup, ReleaseEvent } from './release/events'
export { AreaSetRef, AreasRecorded, LookupRecorded, releaseEvents, ReleaseImported } from './release/events'
export type { ReleaseState } from './release/state'

// --- place index ---
export type { PlaceIndexStreams } from './places/aggregate'
export { CURRENT_PLACE_INDEX, placeIndexes, placeIndexStream, releaseContents } from './places/aggregate'
export type { BuildPlaceIndexInput, PlaceIndexCommandInput } from './places/commands'
export { BuildPlaceIndex, PlaceIndexCommand } from './places/commands'
export { chunkPlaces, indexPlaces, PLACES_CHUNK_LSOAS } from './places/decide'
export type { PlaceIndexEvent } from './places/events'
export { IndexedPlace, PlaceBasis, PlaceIndexBuilt, placeIndexEvents, PlacesIndexed } from './places/events'
export type { Place, PlaceIndex, PlaceIndexState, ReleaseAreaSet, ReleaseContents } from './places/state'
export { lsoasOf, placeOf } from './places/state'

// --- PCN reference ---
export { pcnReferences } from './pcn-reference/aggregate'
export type { PcnCommandInput } from './pcn-reference/commands'
export { PcnCommand } from './pcn-reference/commands'
export type { PcnEvent } from './pcn-reference/events'
export { PcnClosed, pcnEvents, PcnOpened, PcnReferenceImported, PracticeMoved } from './pcn-reference/events'
export type { Membership, PcnRecord, PcnReferenceState } from './pcn-reference/state'
export { pcnOn, pcnOpenOn } from './pcn-reference/state'

// --- AreaProfile (indicators) ---
export { areaProfiles } from './indicator/aggregate'
export type { ProfileCommandInput } from './indicator/commands'
export { ProfileCommand } from './indicator/commands'
export type { ProfileEvent } from './indicator/events'
export { IndicatorDefined, IndicatorValuesRecorded, profileEvents } from './indicator/events'
export type { ProfileState } from './indicator/state'

// --- ServiceDeliveryAreaScheme ---
export { schemeDecisions, serviceDeliveryAreaSchemes } from './sda-scheme/aggregate'
export type {
  AreaDefinitionInput,
  DefineSchemeInput,
  RunAssignmentInput,
  SchemeCommandInput,
  SchemeDecisionCommandInput,
} from './sda-scheme/commands'
export {
  AreaDefinition,
  DefineScheme,
  OverrideLsoa,
  PublishScheme,
  RunAssignment,
  SchemeCommand,
  SchemeDecisionCommand,
  SupersedeScheme,
} from './sda-scheme/commands'
export type { ExcludedPractices, LsoaAssignment, SchemeArea, SchemeEvent } from './sda-scheme/events'
export {
  AssignmentRun,
  LsoaOverridden,
  SchemeDefined,
  schemeEvents,
  SchemePublished,
  SchemeSuperseded,
} from './sda-scheme/events'
export type { SchemeState, SchemeVersion } from './sda-scheme/state'
export { areaOfLsoa, areaOfPcn, partition } from './sda-scheme/state'

// --- read models and queries ---
export type { LinkDoc } from './read-models/area-lookups'
export { areaLookups, linkDocs } from './read-models/area-lookups'
export type { IndicatorDoc, IndicatorValueDoc } from './read-models/area-profiles'
export { areaProfileValues, indicatorDocs, indicatorValueDocs } from './read-models/area-profiles'
export type { AreaDoc, ReleaseDoc } from './read-models/area-registry'
export { areaDocs, areaRegistry, releaseDocs } from './read-models/area-registry'
export { areasPlugin } from './read-models/plugin'
export type { AreaQueries, Containment } from './read-models/queries'
export { createAreaQueries } from './read-models/queries'
export type { SchemeAreaDoc, SchemeLsoaDoc, SchemeVersionDoc } from './read-models/service-delivery-areas'
export {
  schemeAreaDocs,
  schemeLsoaDocs,
  schemeVersionDocs,
  serviceDeliveryAreas,
} from './read-models/service-delivery-areas'

// --- workflows ---
export { publishModelledScheme } from './workflows/modelled-scheme'
export type { PlaceIndexOptions } from './workflows/place-index'
export { buildPlaceIndex } from './workflows/place-index'
export { importReferenceData } from './workflows/reference-data'
export type { Actor } from './workflows/send'
export { AreasSetupError } from './workflows/send'

// --- lib: codes, CSV, the method, extracts, the shipped data ---
export type { AggregatedValue } from './lib/aggregation'
export { aggregateIndicator, Aggregation } from './lib/aggregation'
export type { AreaType, VintageBrand } from './lib/codes'
export { AREA_TYPES, AreaTypeCodec, codeProblem, isAreaType, LookupMethod, typeOfCode, Vintage } from './lib/codes'
export type { CsvRow } from './lib/csv'
export { CsvError, parseCsv } from './lib/csv'
export { DATA_DIR, readDataFile } from './lib/data-files'
export type {
  Assignment,
  AssignmentRun as AssignmentRunResult,
  Excluded,
  RegistrationRow,
  RowProblem,
} from './lib/dominant-lsoa'
export { assignDominantLsoa } from './lib/dominant-lsoa'
export type { LsoaCentroid, PracticeRow } from './lib/practices'
export {
  districtAreaDefinitions,
  lsoa2021Centroids,
  MODELLED_EXTRACT_FILE,
  practiceRows,
  REFERENCE_PCN_ID,
  referencePcnImport,
} from './lib/practices'
export {
  districtHierarchyRelease,
  lsoa2011HealthRelease,
  lsoa2011WardRelease,
  lsoa2021Ward2025Release,
  msoaRelease,
  parishRelease,
  referenceReleases,
  WARD_VINTAGES_FILE,
  wardDivisionRelease,
  wardVintageReleases,
} from './lib/reference-data'
export type { ModelOptions, RegistrationExtract } from './lib/registrations'
export {
  assignmentFromExtract,
  extractDate,
  formatRegistrationExtract,
  modelRegistrations,
  parseRegistrationExtract,
} from './lib/registrations'
export type { SourceInput } from './lib/source'
export { Source } from './lib/source'
