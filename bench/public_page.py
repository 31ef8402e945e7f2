"""For bench/load.py: the public page of citizen promises against the agreement page."""

import threading
import time
from collections import Counter

import requests

# A signed citizen promise of Strängnäs, published with feedback (citizens/demo.py), for
# the public page; the demo data has none of its own yet.
PUBLISHED_PROMISE = (
    "from agreements.models import Agreement, AgreementKind, AgreementStatus, RenewalRule; "
    "from exchange.copying import copy_agreement; "
    "from citizens.demo import publish_demo_promises; "
    "from django.utils import timezone; "
    "p = copy_agreement(Agreement.objects.get(reference='strangnas-2020'), "
    "title='Medborgarlöfte Strängnäs'); "
    "p.kind = AgreementKind.CITIZEN_PROMISE; p.valid_from = p.valid_until = None; "
    "p.first_year = timezone.localdate().year; p.renewal_rule = RenewalRule.FIXED_END; "
    "p.extension_max_years = None; p.status = AgreementStatus.SIGNED; p.save(); "
    "publish_demo_promises()"
)


def public_against_agreement(base, agreement, public, clients, seconds, *, login) -> list[dict]:
    """The public page read by `clients` anonymous readers, then the agreement page by as
    many logged-in coordinators, each for `seconds`, each client asking again as soon as it
    has its answer: the requests per second each page can serve, on the same server in the
    same run. A public answer that sets a cookie counts as a failure. `login` gives a
    logged-in session (load.py's)."""
    return [
        _hammer(base, public, [requests.Session() for _ in range(clients)], seconds, "public"),
        _hammer(base, agreement, [login(base) for _ in range(clients)], seconds, "agreement"),
    ]


def _hammer(base, url, sessions, seconds, name) -> dict:
    times, failures = [], Counter()
    lock, stop = threading.Lock(), threading.Event()

    def ask(session):
        while not stop.is_set():
            began = time.monotonic()
            answer = session.get(base + url, timeout=30)
            took = time.monotonic() - began
            with lock:
                times.append(took)
                if answer.status_code != 200 or (name == "public" and answer.cookies):
                    failures[answer.status_code] += 1

    threads = [threading.Thread(target=ask, args=(session,)) for session in sessions]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(times)
    return {
        "page": name,
        "requests": len(times),
        "failures": sum(failures.values()),
        "p50_ms": round(1000 * ordered[len(ordered) // 2]),
        "p95_ms": round(1000 * ordered[int(len(ordered) * 0.95)]),
        "per_second": round(len(times) / elapsed, 1),
    }
