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
import type { PoolClient } from 'pg'

// --- names ---

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,48}$/

/** True when `name` can be used as the ledger's schema name. */
export const isSchemaName = (name: unknown): name is string => typeof name === 'string' && IDENTIFIER.test(name)

/** The channel live subscriptions listen on. */
export const channelOf = (schema: string): string => `civic_ledger_${schema}`

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
        PERFORM pg_advisory_xact_lock(hashtext('civic-ledger:${s}'));
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
]

/** The schema version this release writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0

/**
 * Creates the schema or brings it up to date, in one transaction under a lock, so several app
 * instances starting together migrate once. Refuses a schema written by a newer release.
 */
export const migrate = async (client: PoolClient, schema: string): Promise<void> => {
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
      if (migration.version <= current) continue
      await client.query(migration.sql(schema))
    }
    await client.query(
      `INSERT INTO "${schema}".ledger_meta (key, value) VALUES ('schema_version', $1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(Math.max(current, SCHEMA_VERSION))],
    )
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}
