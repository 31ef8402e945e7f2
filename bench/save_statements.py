"""How near the floor a row save could come while it keeps its guarantees: the statements
one save sends, replayed as plain SQL through a cursor, with no ORM, form or history built
around them.

    .venv/bin/python bench/save_statements.py [--requests 150] [--database-url postgres://...]

In process (Django's test client, bench.settings, DEBUG off), on the 500-row plan that
bench/run.py grows, on a new SQLite or an empty PostgreSQL database. Taking turns, each
round: the floor (bench/run.py's conditional UPDATE view: session, user, one UPDATE), the
save's statements after the session and the user (which the floor sends too) replayed in a
transaction rolled back, and the row save itself. A save's statements are captured from
the third save, when the burst of prints made ahead is under way, as in bench/run.py.
If the floor and the replayed statements together are more than 2× the floor, no way of
running the same statements faster reaches 2×: only fewer of them would.
Not run in CI; the figures go into docs/performance.md.
"""

import statistics
import tempfile
import time

from run import bench_arguments, demo_database, grow_plan

TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE")


def main():
    args = bench_arguments(__doc__, requests=150, help="timed rounds")
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as folder:
        demo_database(folder, args.database_url)
        target = grow_plan()
        measure(target, args.requests)


def measure(target, rounds):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from actionplans.models import ActionItem

    form = dict(target["form"])
    item = ActionItem.objects.get(pk=int(target["update"].rstrip("/").rsplit("/", 1)[1]))
    form["version"] = item.version
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="samordnare.strangnas"))

    def save():
        assert client.post(target["row_edit"], form).status_code == 302
        form["version"] += 1

    def update():
        fields = {"version": form["version"], "activity": form["activity"]}
        assert client.post(target["update"], fields).status_code == 302
        form["version"] += 1

    sent = []

    def capture(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    for _save in range(3):
        sent.clear()
        with connection.execute_wrapper(capture):
            save()
    statements = [
        (_without_conflict(sql), params)
        for sql, params in sent[2:]  # after the session and the user
        if not sql.startswith(TRANSACTION_CONTROL)
    ]
    first_write = next(n for n, (sql, _) in enumerate(statements) if not sql.startswith("SELECT"))
    reads, writes = statements[:first_write], statements[first_write:]

    def replay():
        with connection.cursor() as cursor:
            _run(cursor, reads)
            with transaction.atomic():  # the save's one transaction, rolled back
                _run(cursor, writes)
                transaction.set_rollback(True)

    times = {"floor": [], "statements": [], "save": []}
    for round_ in range(20 + rounds):
        for name, call in (("floor", update), ("statements", replay), ("save", save)):
            started = time.perf_counter()
            call()
            if round_ >= 20:  # the first twenty warm up
                times[name].append((time.perf_counter() - started) * 1000)
    floor, replayed, whole = (statistics.median(times[name]) for name in times)
    print(f"{rounds} rounds in process, {connection.vendor}, {len(statements)} statements")
    print(f"  floor (session, user, one UPDATE)        {floor:6.2f} ms")
    print(f"  the save's statements as plain SQL       {replayed:6.2f} ms")
    print(
        f"  floor + those statements                 {floor + replayed:6.2f} ms  "
        f"{(floor + replayed) / floor:5.2f}x the floor"
    )
    print(f"  the row save                             {whole:6.2f} ms  {whole / floor:5.2f}x")


def _run(cursor, statements):
    for sql, params in statements:
        cursor.execute(sql, params)
        if cursor.description:
            cursor.fetchall()


def _without_conflict(sql: str) -> str:
    """An INSERT replayed after the save it came from made its rows: it must not fail on
    them (the seal's unique position, the history's key), and costs the same."""
    if not sql.startswith("INSERT"):
        return sql
    head, returning, tail = sql.partition(" RETURNING ")
    return f"{head} ON CONFLICT DO NOTHING{returning}{tail}"


if __name__ == "__main__":
    main()
