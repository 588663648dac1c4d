/**
 * The ledger's schema in PostgreSQL: its name (configurable, checked), its versioned migrations, and
 * the function every append goes through.
 *
 * Global order: every append takes one transaction-scoped advisory lock per ledger schema before it
 * reads the head and inserts, and holds it until it commits. Commits that take positions are
 * therefore serialised, a position is the head plus one (no sequence, so a rolled-back append leaves
 * no gap), and a transaction's events are visible to new snapshots before the next appender can take
 * the lock. A reader that has seen position p has seen every position below it: polling
 * `position > last` is safe, which it is not when positions come from a sequence handed out before
 * commit.
 */
import { canonicalJson, chainHash, GENESIS_HASH } from '@civic-ledger/core'
import type { ClientBase } from 'pg'

// --- names ---

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,48}$/

/** True when `name` can be used as the ledger's schema name. */
export const isSchemaName = (name: unknown): name is string => typeof name === 'string' && IDENTIFIER.test(name)

/** The channel live subscriptions listen on. */
export const channelOf = (schema: string): string => `civic_ledger_${schema}`

/** The key of the transaction-scoped advisory lock every write to the log takes (`hashtext` of it). */
export const appendLockKey = (schema: string): string => `civic-ledger:${schema}`

/**
 * SQL giving a `timestamptz` expression's text as a chain envelope and `toISOString` write it:
 * `2024-03-01T09:30:00.000Z`. Recorded times are stored truncated to milliseconds.
 */
export const isoTimeSql = (expression: string): string =>
  `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

// --- errors ---

/** Why a PostgreSQL ledger cannot be opened. */
export type PostgresLedgerProblem =
  | 'invalid-options'
  | 'unreachable'
  | 'authentication-failed'
  | 'missing-database'
  | 'newer-schema'
  | 'asynchronous-commit'

/** A ledger that cannot be opened; nothing was changed. */
export class PostgresLedgerError extends Error {
  constructor(
    readonly problem: PostgresLedgerProblem,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options)
    this.name = 'PostgresLedgerError'
  }
}

// --- migrations ---

interface Migration {
  readonly version: number
  readonly sql: (schema: string) => string
  /** Work in JavaScript after the SQL, in the same transaction (a backfill). */
  readonly run?: (client: ClientBase, schema: string) => Promise<void>
}

/**
 * The function every append goes through, one round trip: under the ledger's advisory lock it checks
 * the expected revision, takes the next positions, and chains each event to the one before it in its
 * stream. The envelope is built here exactly as core's `canonicalEnvelope` writes it — data and
 * metadata are the canonical JSON text the client sent, spliced in as stored; the other members are
 * JSON strings and integers — so `hash = sha256(prev ‖ envelope)` is the hash `chainHash` gives.
 * The hashes are computed in a loop (each needs the one before), then every row is written by one
 * INSERT from the arrays the loop built.
 */
const appendFunction = (s: string): string => `
  CREATE OR REPLACE FUNCTION "${s}".append_events(
    p_stream text, p_expected text, p_ids uuid[], p_types text[], p_versions integer[], p_data json, p_metadata json
  ) RETURNS TABLE (first_revision bigint, last_revision bigint, first_position bigint, last_position bigint)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_stream bigint;
    v_revision bigint := -1;
    v_prev text;
    v_head bigint;
    v_count integer := cardinality(p_ids);
    v_now timestamptz := date_trunc('milliseconds', clock_timestamp());
    v_recorded_at text;
    v_stream_id text := to_json(p_stream)::text;
    v_hash bytea;
    v_hashes bytea[] := '{}';
    v_data json[] := '{}';
    v_metadata json[] := '{}';
    r record;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('${appendLockKey(s)}'));
    SELECT id, revision, encode(head_hash, 'hex') INTO v_stream, v_revision, v_prev
      FROM "${s}".streams WHERE name = p_stream;
    IF v_stream IS NULL THEN v_revision := -1; END IF;
    IF NOT (p_expected = 'any'
        OR (p_expected = 'noStream' AND v_revision = -1)
        OR (p_expected = 'streamExists' AND v_revision >= 0)
        OR (p_expected ~ '^[0-9]+$' AND p_expected::bigint = v_revision)) THEN
      RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'CL001', DETAIL = v_revision::text;
    END IF;
    IF v_stream IS NULL THEN
      INSERT INTO "${s}".streams (name, revision) VALUES (p_stream, -1) RETURNING id INTO v_stream;
    END IF;
    v_prev := coalesce(v_prev, repeat('0', 64));
    SELECT coalesce(max(position), 0) INTO v_head FROM "${s}".events;
    v_recorded_at := to_json(${isoTimeSql('v_now')})::text;
    FOR r IN
      SELECT d.i::integer AS i, d.value AS data, m.value AS metadata
      FROM json_array_elements(p_data) WITH ORDINALITY AS d (value, i)
      JOIN json_array_elements(p_metadata) WITH ORDINALITY AS m (value, i) ON m.i = d.i
      ORDER BY d.i
    LOOP
      v_hash := sha256(convert_to(
        v_prev
        || '{"data":' || r.data::text
        || ',"eventId":' || to_json(p_ids[r.i]::text)::text
        || ',"metadata":' || r.metadata::text
        || ',"position":' || (v_head + r.i)::text
        || ',"recordedAt":' || v_recorded_at
        || ',"revision":' || (v_revision + r.i)::text
        || ',"schemaVersion":' || p_versions[r.i]::text
        || ',"streamId":' || v_stream_id
        || ',"type":' || to_json(p_types[r.i])::text
        || '}', 'UTF8'));
      v_hashes[r.i] := v_hash;
      v_data[r.i] := r.data;
      v_metadata[r.i] := r.metadata;
      v_prev := encode(v_hash, 'hex');
    END LOOP;
    INSERT INTO "${s}".events
        (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)
      SELECT v_head + u.i, v_stream, v_revision + u.i, u.event_id, u.type, u.schema_version, u.data, u.metadata, v_now, u.hash
      FROM unnest(p_ids, p_types, p_versions, v_data, v_metadata, v_hashes)
        WITH ORDINALITY AS u (event_id, type, schema_version, data, metadata, hash, i);
    UPDATE "${s}".streams SET revision = v_revision + v_count, head_hash = v_hash WHERE id = v_stream;
    PERFORM pg_notify('${channelOf(s)}', (v_head + v_count)::text);
    RETURN QUERY SELECT v_revision + 1, v_revision + v_count, v_head + 1, v_head + v_count;
  END
  $fn$;
`

/**
 * `append_group`'s reading of the group's streams, once: for each segment the slot that keeps its
 * stream's state (the first segment of that stream), and the stream's key, revision and last hash.
 */
const readStreamsSql = (s: string): string => `
    IF v_segments = 1 THEN
      v_slot := '{1}';
      SELECT ARRAY[st.id], ARRAY[st.revision], ARRAY[encode(st.head_hash, 'hex')] INTO v_key, v_rev, v_prev
        FROM "${s}".streams st WHERE st.name = v_streams[1];
      IF NOT FOUND THEN v_key := '{NULL}'; v_rev := '{-1}'; v_prev := '{NULL}'; END IF;
    ELSE
      SELECT array_agg(f.slot ORDER BY f.i), array_agg(st.id ORDER BY f.i),
             array_agg(coalesce(st.revision, -1) ORDER BY f.i), array_agg(encode(st.head_hash, 'hex') ORDER BY f.i)
        INTO v_slot, v_key, v_rev, v_prev
        FROM (SELECT u.name, u.i, min(u.i) OVER (PARTITION BY u.name) AS slot
              FROM unnest(v_streams) WITH ORDINALITY AS u (name, i)) AS f
        LEFT JOIN "${s}".streams st ON st.name = f.name;
    END IF;`

/**
 * `append_group`'s writing of one segment (`k`, its stream's slot `v_at`, `v_count` events from
 * `v_ev`): each event's envelope built and hashed onto the one before it in its stream, as
 * `append_events` does, then the events inserted at the next positions.
 */
const writeSegmentSql = (s: string): string => `
          v_prev_hex := coalesce(v_prev[v_at], repeat('0', 64));
          v_stream_id := to_json(v_streams[k])::text;
          v_hashes := '{}';
          FOR i IN 1..v_count LOOP
            v_hash := sha256(convert_to(
              v_prev_hex
              || '{"data":' || v_data[v_ev + i - 1]::text
              || ',"eventId":' || to_json(v_ids[v_ev + i - 1]::text)::text
              || ',"metadata":' || v_metadata[v_ev + i - 1]::text
              || ',"position":' || (v_head + i)::text
              || ',"recordedAt":' || v_recorded_at
              || ',"revision":' || (v_revision + i)::text
              || ',"schemaVersion":' || v_versions[v_ev + i - 1]::text
              || ',"streamId":' || v_stream_id
              || ',"type":' || to_json(v_types[v_ev + i - 1])::text
              || '}', 'UTF8'));
            v_hashes[i] := v_hash;
            v_prev_hex := encode(v_hash, 'hex');
          END LOOP;
          INSERT INTO "${s}".events
              (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)
            SELECT v_head + u.i, v_key[v_at], v_revision + u.i, v_ids[v_ev + u.i - 1], v_types[v_ev + u.i - 1],
                   v_versions[v_ev + u.i - 1], v_data[v_ev + u.i - 1], v_metadata[v_ev + u.i - 1], v_now, v_hashes[u.i]
            FROM generate_series(1, v_count) AS u (i);`

/**
 * The function every append goes through since schema version 6: a group of appends (members),
 * each of one or more streams (segments), written in one call and one transaction. It waits for the
 * ledger's advisory lock for at most `p_lock_timeout` (an interval PostgreSQL reads, `5000ms`;
 * the session's own `lock_timeout` applies again once the lock is held), reads the group's streams
 * once, then takes each member in turn: its streams' expected revisions are checked against the
 * streams as the members before it left them, its event ids against those stored (the members
 * before it included), and only if all hold are its events written — the next positions, each
 * chained to the one before it in its stream as `append_events` does. A refused member writes
 * nothing and leaves the others alone.
 *
 * Parameters are text the client joins without escaping — integers, expected revisions, uuids,
 * stream ids and types comma-separated (the store kit has checked that no stream id or type holds a
 * comma) — and data and metadata as the events' canonical JSON text joined by U+0001 (which
 * canonical JSON always escapes), in member and segment order: the client escapes nothing, and no
 * statement is spent taking them apart. The answer is one text, a part per
 * segment joined by `;`: `firstRevision,firstPosition` when written; for a refused member
 * `!r,<revision>` on the segment whose expected revision failed (`!` on its others), or
 * `!t,<event id>` on each. A group of one stream reads and updates its stream row directly; a group
 * of one member has its ids checked by the unique index alone (the statement fails, nothing is
 * written, and the client reads the constraint's name).
 */
const appendGroupFunction = (s: string): string => `
  CREATE OR REPLACE FUNCTION "${s}".append_group(
    p_lock_timeout text, p_members text, p_streams text, p_expected text, p_counts text,
    p_ids text, p_types text, p_versions text, p_data text, p_metadata text
  ) RETURNS text
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_members integer[] := string_to_array(p_members, ',')::integer[];
    v_streams text[] := string_to_array(p_streams, ',');
    v_expected text[] := string_to_array(p_expected, ',');
    v_counts integer[] := string_to_array(p_counts, ',')::integer[];
    v_ids uuid[] := string_to_array(p_ids, ',')::uuid[];
    v_types text[] := string_to_array(p_types, ',');
    v_versions integer[] := string_to_array(p_versions, ',')::integer[];
    v_data json[] := string_to_array(p_data, chr(1))::json[]; v_metadata json[] := string_to_array(p_metadata, chr(1))::json[];
    v_segments integer := cardinality(v_streams);
    v_lock_timeout text := current_setting('lock_timeout');
    v_now timestamptz := date_trunc('milliseconds', clock_timestamp());
    v_recorded_at text;
    v_head bigint;
    v_wrote boolean := false;
    v_check_ids boolean := false;
    v_done text;
    -- Per segment: the slot keeping its stream's state (the first segment of that stream).
    v_slot integer[]; v_key bigint[]; v_rev bigint[]; v_prev text[]; v_touched boolean[];
    v_seg integer := 1; v_ev integer := 1; v_last integer; v_last_ev integer; k integer; i integer; v_at integer;
    v_refused boolean; v_failed integer; v_taken text; v_actual bigint;
    v_revision bigint; v_stream_id text; v_count integer; v_key_new bigint;
    v_hash bytea; v_hashes bytea[]; v_prev_hex text;
    o text[] := '{}';
  BEGIN
    -- Calls made as assignments are evaluated as simple expressions, without a query each; the lock
    -- is taken by a statement, which a lock timeout's error context names.
    v_done := set_config('lock_timeout', p_lock_timeout, true);
    PERFORM pg_advisory_xact_lock(hashtext('${appendLockKey(s)}'));
    -- The session's own lock_timeout again, now the lock is held.
    v_done := set_config('lock_timeout', v_lock_timeout, true);
    SELECT coalesce(max(position), 0) INTO v_head FROM "${s}".events;
    v_recorded_at := to_json(${isoTimeSql('v_now')})::text;
${readStreamsSql(s)}
    v_touched := array_fill(false, ARRAY[v_segments]);
    -- Ids are checked member by member only if one is stored already or comes twice in the group. A
    -- group of one is left to the unique index: its failure is that one member's.
    IF v_members[v_segments] > 1 THEN
      v_check_ids := EXISTS (SELECT 1 FROM "${s}".events e WHERE e.event_id = ANY (v_ids))
        OR (SELECT count(DISTINCT x) FROM unnest(v_ids) AS x) < cardinality(v_ids);
    END IF;
    WHILE v_seg <= v_segments LOOP
      -- The member's segments are v_seg..v_last, its events v_ev..v_last_ev.
      v_last := v_seg;
      WHILE v_last < v_segments AND v_members[v_last + 1] = v_members[v_seg] LOOP v_last := v_last + 1; END LOOP;
      v_last_ev := v_ev - 1;
      FOR k IN v_seg..v_last LOOP v_last_ev := v_last_ev + v_counts[k]; END LOOP;
      v_refused := false;
      v_failed := NULL;
      v_taken := NULL;
      FOR k IN v_seg..v_last LOOP
        v_revision := v_rev[v_slot[k]];
        IF NOT (v_expected[k] = 'any'
            OR (v_expected[k] = 'noStream' AND v_revision = -1)
            OR (v_expected[k] = 'streamExists' AND v_revision >= 0)
            OR (v_expected[k] ~ '^[0-9]+$' AND v_expected[k]::bigint = v_revision)) THEN
          v_refused := true;
          v_failed := k;
          v_actual := v_revision;
          EXIT;
        END IF;
      END LOOP;
      IF NOT v_refused AND v_check_ids THEN
        SELECT e.event_id::text INTO v_taken FROM "${s}".events e WHERE e.event_id = ANY (v_ids[v_ev:v_last_ev]) LIMIT 1;
        v_refused := v_taken IS NOT NULL;
      END IF;
      IF v_refused THEN
        FOR k IN v_seg..v_last LOOP
          o := o || CASE WHEN v_taken IS NOT NULL THEN '!t,' || v_taken
                         WHEN k = v_failed THEN '!r,' || v_actual::text ELSE '!' END;
        END LOOP;
        v_ev := v_last_ev + 1;
      ELSE
        FOR k IN v_seg..v_last LOOP
          v_at := v_slot[k];
          v_count := v_counts[k];
          v_revision := v_rev[v_at];
          IF v_key[v_at] IS NULL THEN
            INSERT INTO "${s}".streams (name, revision) VALUES (v_streams[k], -1) RETURNING id INTO v_key_new;
            v_key[v_at] := v_key_new;
          END IF;
${writeSegmentSql(s)}
          o := o || ((v_revision + 1)::text || ',' || (v_head + 1)::text);
          v_rev[v_at] := v_revision + v_count;
          v_prev[v_at] := v_prev_hex;
          v_touched[v_at] := true;
          v_head := v_head + v_count;
          v_ev := v_ev + v_count;
        END LOOP;
        v_wrote := true;
      END IF;
      v_seg := v_last + 1;
    END LOOP;
    IF v_wrote AND v_segments = 1 THEN
      UPDATE "${s}".streams SET revision = v_rev[1], head_hash = decode(v_prev[1], 'hex') WHERE id = v_key[1];
    ELSIF v_wrote THEN
      UPDATE "${s}".streams st SET revision = u.rev, head_hash = decode(u.prev, 'hex')
        FROM unnest(v_key, v_rev, v_prev, v_touched) AS u (key, rev, prev, touched)
        WHERE u.touched AND st.id = u.key;
    END IF;
    IF v_wrote THEN v_done := pg_notify('${channelOf(s)}', v_head::text)::text; END IF;
    RETURN array_to_string(o, ';');
  END
  $fn$;
`

/** Events read per page by the chain's backfill. */
const BACKFILL_PAGE = 5_000

interface BackfillRow {
  readonly position: number | string
  readonly stream: number | string
  readonly stream_name: string
  readonly revision: number | string
  readonly event_id: string
  readonly type: string
  readonly schema_version: number
  readonly data: string
  readonly metadata: string
  readonly recorded_at: string
}

/**
 * Chains the events an older release wrote: each stream in revision order (its position order), a
 * page at a time, rewriting data and metadata as canonical JSON and writing each event's hash, then
 * each stream's last hash. Times are read as `readStored` writes them (they were truncated to the
 * millisecond first).
 */
const backfillChain = async (client: ClientBase, schema: string): Promise<void> => {
  const s = `"${schema}"`
  let after: readonly [number, number] = [0, -1]
  let stream: number | undefined
  let prev = GENESIS_HASH
  for (;;) {
    const { rows } = await client.query<BackfillRow>(
      `SELECT e.position, e.stream, s.name AS stream_name, e.revision, e.event_id::text AS event_id, e.type,
              e.schema_version, e.data::text AS data, e.metadata::text AS metadata,
              ${isoTimeSql('e.recorded_at')} AS recorded_at
       FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
       WHERE (e.stream, e.revision) > ($1, $2) ORDER BY e.stream, e.revision LIMIT $3`,
      [after[0], after[1], BACKFILL_PAGE],
    )
    if (rows.length === 0) break
    const positions: number[] = []
    const data: string[] = []
    const metadata: string[] = []
    const hashes: string[] = []
    for (const row of rows) {
      const streamKey = Number(row.stream)
      if (streamKey !== stream) {
        stream = streamKey
        prev = GENESIS_HASH
      }
      const fields = {
        eventId: row.event_id,
        streamId: row.stream_name,
        revision: Number(row.revision),
        position: Number(row.position),
        type: row.type,
        schemaVersion: row.schema_version,
        data: canonicalJson(JSON.parse(row.data)),
        metadata: canonicalJson(JSON.parse(row.metadata)),
        recordedAt: row.recorded_at,
      }
      prev = chainHash(prev, fields)
      positions.push(fields.position)
      data.push(fields.data)
      metadata.push(fields.metadata)
      hashes.push(prev)
      after = [streamKey, fields.revision]
    }
    await client.query(
      `UPDATE ${s}.events e SET data = u.data::json, metadata = u.metadata::json, hash = decode(u.hash, 'hex')
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u (position, data, metadata, hash)
       WHERE e.position = u.position`,
      [positions, data, metadata, hashes],
    )
    if (rows.length < BACKFILL_PAGE) break
  }
  await client.query(
    `UPDATE ${s}.streams s SET head_hash = e.hash FROM ${s}.events e WHERE e.stream = s.id AND e.revision = s.revision`,
  )
}

const MIGRATIONS: ReadonlyArray<Migration> = [
  {
    version: 1,
    sql: (s) => `
      CREATE TABLE "${s}".streams (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE,
        revision bigint NOT NULL
      );
      -- data and metadata are json, not jsonb: the text is kept exactly as written (the audit
      -- chain hashes what is stored) and returning it costs a fraction of rendering jsonb.
      CREATE TABLE "${s}".events (
        position bigint PRIMARY KEY,
        stream bigint NOT NULL,
        revision bigint NOT NULL,
        event_id uuid NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data json NOT NULL,
        metadata json NOT NULL,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT events_stream_revision UNIQUE (stream, revision),
        CONSTRAINT events_event_id UNIQUE (event_id)
      );
      CREATE TABLE "${s}".snapshots (
        stream bigint PRIMARY KEY,
        revision bigint NOT NULL,
        snapshot_version integer NOT NULL,
        state jsonb NOT NULL,
        tenant text,
        taken_at timestamptz NOT NULL
      );
      CREATE FUNCTION "${s}".append_events(
        p_stream text, p_expected text, p_ids uuid[], p_types text[], p_versions integer[], p_data json, p_metadata json
      ) RETURNS TABLE (first_revision bigint, last_revision bigint, first_position bigint, last_position bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_stream bigint;
        v_revision bigint := -1;
        v_head bigint;
        v_count integer := cardinality(p_ids);
        v_now timestamptz := clock_timestamp();
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('${appendLockKey(s)}'));
        SELECT id, revision INTO v_stream, v_revision FROM "${s}".streams WHERE name = p_stream;
        IF v_stream IS NULL THEN v_revision := -1; END IF;
        IF NOT (p_expected = 'any'
            OR (p_expected = 'noStream' AND v_revision = -1)
            OR (p_expected = 'streamExists' AND v_revision >= 0)
            OR (p_expected ~ '^[0-9]+$' AND p_expected::bigint = v_revision)) THEN
          RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'CL001', DETAIL = v_revision::text;
        END IF;
        IF v_stream IS NULL THEN
          INSERT INTO "${s}".streams (name, revision) VALUES (p_stream, -1) RETURNING id INTO v_stream;
        END IF;
        SELECT coalesce(max(position), 0) INTO v_head FROM "${s}".events;
        INSERT INTO "${s}".events (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at)
          SELECT v_head + d.i, v_stream, v_revision + d.i, p_ids[d.i], p_types[d.i], p_versions[d.i], d.value, m.value, v_now
          FROM json_array_elements(p_data) WITH ORDINALITY AS d (value, i)
          JOIN json_array_elements(p_metadata) WITH ORDINALITY AS m (value, i) ON m.i = d.i;
        UPDATE "${s}".streams SET revision = v_revision + v_count WHERE id = v_stream;
        PERFORM pg_notify('${channelOf(s)}', (v_head + v_count)::text);
        RETURN QUERY SELECT v_revision + 1, v_revision + v_count, v_head + 1, v_head + v_count;
      END
      $fn$;
    `,
  },
  {
    // Projections: each version's checkpoint and the events it parked. Read models themselves are
    // tables named rm_<projection>_v<version>__<collection>, made as projections declare them.
    version: 2,
    sql: (s) => `
      CREATE TABLE "${s}".projection_checkpoints (
        name text NOT NULL,
        version integer NOT NULL,
        position bigint NOT NULL,
        stage text NOT NULL CHECK (stage IN ('active', 'building')),
        updated_at text NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE TABLE "${s}".projection_parked (
        name text NOT NULL,
        version integer NOT NULL,
        position bigint NOT NULL,
        stream_id text NOT NULL,
        revision bigint NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        reason text NOT NULL,
        parked_at text NOT NULL,
        PRIMARY KEY (name, version, position)
      );
    `,
  },
  {
    // Subjects' keys for personal data, and the subjects erased (so no new key is ever made for them).
    version: 3,
    sql: (s) => `
      CREATE TABLE "${s}".privacy_keys (subject text PRIMARY KEY, key bytea NOT NULL, created_at timestamptz NOT NULL);
      CREATE TABLE "${s}".privacy_erased (subject text PRIMARY KEY, erased_at timestamptz NOT NULL);
    `,
  },
  {
    // The audit hash chain (core's chain.ts): each event's hash, each stream's last hash. Recorded
    // times are kept to the millisecond, the precision the chain's envelope writes.
    version: 4,
    sql: (s) => `
      ALTER TABLE "${s}".events ADD COLUMN hash bytea CONSTRAINT events_hash_sha256 CHECK (octet_length(hash) = 32);
      ALTER TABLE "${s}".streams ADD COLUMN head_hash bytea
        CONSTRAINT streams_head_hash_sha256 CHECK (octet_length(head_hash) = 32);
      UPDATE "${s}".events SET recorded_at = date_trunc('milliseconds', recorded_at)
        WHERE recorded_at <> date_trunc('milliseconds', recorded_at);
      ${appendFunction(s)}
    `,
    run: async (client, schema) => {
      await backfillChain(client, schema)
      await client.query(`ALTER TABLE "${schema}".events ALTER COLUMN hash SET NOT NULL`)
    },
  },
  {
    // Tenancy was withdrawn (one ledger serves one data controller): snapshots no longer carry one.
    version: 5,
    sql: (s) => `ALTER TABLE "${s}".snapshots DROP COLUMN tenant;`,
  },
  {
    // Group commit and a bounded wait for the append lock: appends go through append_group.
    // append_events stays, for instances of the release before while they are replaced.
    version: 6,
    sql: appendGroupFunction,
  },
]

/** The schema version this release writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0

/**
 * Creates the schema or brings it up to date, in one transaction under a lock, so several app
 * instances starting together migrate once. Refuses a schema written by a newer release. `target`
 * stops at an earlier version (tests build an older release's ledger with it).
 */
export const migrate = async (client: ClientBase, schema: string, target = SCHEMA_VERSION): Promise<void> => {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`civic-ledger-migrate:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".ledger_meta (key text PRIMARY KEY, value text NOT NULL)`)
    const found = await client.query<{ value: string }>(
      `SELECT value FROM "${schema}".ledger_meta WHERE key = 'schema_version'`,
    )
    const current = Number(found.rows[0]?.value ?? 0)
    if (current > SCHEMA_VERSION)
      throw new PostgresLedgerError(
        'newer-schema',
        `schema ${schema} was written by a newer release (version ${current}; this release knows up to ${SCHEMA_VERSION}); upgrade @civic-ledger/store-postgres`,
      )
    for (const migration of MIGRATIONS) {
      if (migration.version <= current || migration.version > target) continue
      await client.query(migration.sql(schema))
      await migration.run?.(client, schema)
    }
    await client.query(
      `INSERT INTO "${schema}".ledger_meta (key, value) VALUES ('schema_version', $1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(Math.max(current, target))],
    )
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}
