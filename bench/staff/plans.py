#!/usr/bin/env python3
"""The query plans of bench/staff/run: the inbox page (STMT_INBOX_PAGE, the
first page and the deep one) and the report (STMT_REPORT_GET), their SQL
read from src/store/stmts.c as Signaal prepares it.

  plans.py sqlite STMTS_C DEEP_ON DEEP_ARRIVAL DEEP_ID VIEW_ID DB   prints the plans
  plans.py pg STMTS_C DEEP_ON DEEP_ARRIVAL DEEP_ID VIEW_ID          prints a psql script

(DEEP_ON:DEEP_ARRIVAL:DEEP_ID is the deep page's cursor, decoded.)

PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of the prepared statement executed
with the values of the runs, as its custom plan and as the generic plan
(plan_cache_mode = force_generic_plan): Signaal prepares each statement
once per connection, and after five executions PostgreSQL may keep the
generic one."""
import re
import sys

LIMIT = 101  # the inbox asks one more than the page: whether a next follows


def stmt_sql(stmts_c, name):
    src = open(stmts_c).read()
    m = re.search(r"\[" + name + r"\]\s*=\s*\{(.*?)\}\s*,", src, re.S)
    if not m:
        sys.exit(f"plans.py: {name} not found in {stmts_c}")
    lits = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    # the first literal is the statement's name
    return "".join(lits[1:]).replace('\\"', '"')


def inbox_args(on, arrival, id_):
    return ["velsen", on, arrival, id_, "", "", "", "", LIMIT]


def main():
    mode, stmts_c, deep_on, deep_arrival, deep_id, view_id = sys.argv[1:7]
    inbox = stmt_sql(stmts_c, "STMT_INBOX_PAGE")
    get = stmt_sql(stmts_c, "STMT_REPORT_GET")
    cases = [
        ("inbox, first page (STMT_INBOX_PAGE)", inbox,
         inbox_args("9999-12-31", 2**63 - 1, 2**63 - 1)),
        ("inbox, deep page (STMT_INBOX_PAGE)", inbox,
         inbox_args(deep_on, int(deep_arrival), int(deep_id))),
        ("report view (STMT_REPORT_GET)", get, ["velsen", int(view_id)]),
    ]
    if mode == "sqlite":
        import sqlite3
        db = sqlite3.connect(f"file:{sys.argv[7]}?mode=ro", uri=True)
        for title, sql, args in cases:
            print(f"-- {title}")
            rows = db.execute("EXPLAIN QUERY PLAN " + sql,
                              {str(i + 1): v for i, v in enumerate(args)}).fetchall()
            depth = {0: 0}
            for node, parent, _, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                print("  " * depth[node] + detail)
        return
    def lit(v):
        return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
    print("\\pset pager off")
    # No ANALYZE here: the plans are those of the runs (bench/staff/run
    # analyzes once, after generating the data).
    print("SELECT relname, n_live_tup, last_analyze, last_autoanalyze FROM pg_stat_user_tables"
          " WHERE relname IN ('reports') ORDER BY relname;")
    # The parameters' types inferred as PQprepare does (none given).
    print(f"PREPARE inbox_page AS {inbox};")
    print(f"PREPARE report_get AS {get};")
    for mode_name in ("auto", "force_generic_plan"):
        print(f"SET plan_cache_mode = {mode_name};")
        for title, sql, args in cases:
            name = "inbox_page" if sql is inbox else "report_get"
            print(f"\\echo '-- {title}, plan_cache_mode = {mode_name}'")
            print(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE {name}"
                  f"({', '.join(lit(a) for a in args)});")


main()
