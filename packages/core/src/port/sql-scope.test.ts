/**
 * The statement kinds a projection's SQL may run: reads only where the scope reads, and no
 * statement that could reach past its tables or outlive itself, however it is written.
 */
import test from 'ava'

import { InvalidArgumentError } from '../kernel/errors'
import { checkSqlStatement, isSchemaStatement, sqlStatementProblem } from './sql-scope'

test('reads are SELECT, WITH and VALUES, after any comments and in any case', (t) => {
  for (const text of [
    'SELECT 1',
    '  with x as (select 1) select * from x',
    'VALUES (1)',
    '-- note\nselect 1',
    '/* a */ /* b */SELECT 1',
    '(SELECT 1)'.slice(1, -1),
  ])
    t.is(sqlStatementProblem(text, 'read'), undefined, text)
})

test('a read scope refuses every write, however it is disguised', (t) => {
  for (const text of [
    'DELETE FROM t',
    '/* SELECT */ DELETE FROM t',
    '-- SELECT\nUPDATE t SET a = 1',
    'INSERT INTO t VALUES (1)',
    'CREATE TABLE t (a)',
    'PRAGMA x',
    'COMMIT',
  ])
    t.regex(sqlStatementProblem(text, 'read') ?? '', /not allowed here \(allowed: SELECT, WITH, VALUES\)/, text)
})

test('a write scope adds DML and plain CREATE and DROP of tables and indexes, nothing else', (t) => {
  for (const text of [
    'INSERT INTO t VALUES (1)',
    'update t set a = 1',
    'DELETE FROM t',
    'REPLACE INTO t VALUES (1)',
    'CREATE TABLE IF NOT EXISTS t (a)',
    'create unique index i on t (a)',
    'DROP TABLE t',
    'DROP INDEX IF EXISTS i',
  ])
    t.is(sqlStatementProblem(text, 'write'), undefined, text)
  for (const [text, problem] of [
    ['CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END', /CREATE TRIGGER statements are not allowed/],
    ['CREATE VIEW v AS SELECT 1', /CREATE VIEW statements/],
    ['CREATE TEMP TABLE t (a)', /CREATE TEMP statements/],
    ['CREATE TABLE t AS SELECT * FROM keys', /CREATE TABLE … AS is not allowed/],
    ['create table t as (select 1)', /CREATE TABLE … AS is not allowed/],
    ['ATTACH DATABASE x AS y', /ATTACH statements/],
    ['BEGIN', /BEGIN statements/],
    ['SET ROLE postgres', /SET statements/],
    ['DROP VIEW v', /DROP VIEW statements/],
    ['', /a statement is required/],
  ] as const)
    t.regex(sqlStatementProblem(text, 'write') ?? '', problem, text)
  t.throws(() => checkSqlStatement('VACUUM', 'write'), { instanceOf: InvalidArgumentError, message: /VACUUM/ })
  t.true(isSchemaStatement('/* x */ create table t (a)'))
  t.false(isSchemaStatement('INSERT INTO t VALUES (1)'))
})
