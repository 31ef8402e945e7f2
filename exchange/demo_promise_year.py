"""The year of the demo's citizen promises (exchange/demo_promises.py): what each promise
says, the follow-up entries logged on it so far this year, and the feedback the public
page shows on it (published by citizens/demo.py). **Invented**.

Each promise carries its own entries and feedback, so that a piece of feedback can only
land on the promise it talks about; dates are shares of the time from the promise's
signing to the day the demo is loaded, so that on any day the demo shows a year in
progress: most promises under way, some done, none untouched.
"""

import datetime
from dataclasses import dataclass

# Who promises, in the document's words: the group heading of a plan laid out as promises.
POLICE, MUNICIPALITY, TOGETHER = (
    "Polisen lovar att",
    "Kommunen lovar att",
    "Tillsammans lovar vi att",
)

# Signed on this day of the promise's year (or on the day the demo is loaded, if earlier).
SIGNED_MONTH_DAY = (1, 20)

# Who logs an entry: the demo user's role, as in the username (kommunpolis.strangnas).
KOMMUNPOLIS, SAMORDNARE = "kommunpolis", "samordnare"


@dataclass(frozen=True)
class Logged:
    """A follow-up entry: `share` of the way from the signing to today, by `by`."""

    share: float
    by: str
    status: str
    text: str


@dataclass(frozen=True)
class Feedback:
    """Feedback to citizens, written `share` of the way from the signing to today. Its text
    names the promise's own words, so that a reader sees at once what it answers."""

    share: float
    text: str


@dataclass(frozen=True)
class DemoPromise:
    """A promise; {centrum} and {ort} in its texts are the municipality's two places."""

    text: str
    log: tuple[Logged, ...] = ()
    feedback: tuple[Feedback, ...] = ()

    @property
    def status(self) -> str:
        """The status its latest entry gives; not started without one."""
        return self.log[-1].status if self.log else "not_started"


PROMISES = {
    POLICE: [
        DemoPromise(
            "vara synliga i {centrum} fredags- och lördagskvällar och prata med dem som är ute",
            log=(
                Logged(
                    0.15,
                    KOMMUNPOLIS,
                    "in_progress",
                    "Första helgkvällen till fots i {centrum}: två poliser, ett tjugotal samtal.",
                ),
                Logged(
                    0.6,
                    KOMMUNPOLIS,
                    "in_progress",
                    "Helgkvällarna i {centrum} fortsätter; fler samtal med unga vid resecentrum.",
                ),
            ),
            feedback=(
                Feedback(
                    0.65,
                    "Poliser har varit synliga i {centrum} fredags- och "
                    "lördagskvällar och pratat med många av dem som var ute, oftast "
                    "unga vid resecentrum.",
                ),
            ),
        ),
        DemoPromise(
            "hålla öppet polismöte i {ort} varje månad, där alla kan ställa frågor",
            log=(
                Logged(
                    0.1,
                    KOMMUNPOLIS,
                    "in_progress",
                    "Första öppna polismötet i {ort}; femton besökare, mest frågor om bilinbrott.",
                ),
                Logged(
                    0.75,
                    KOMMUNPOLIS,
                    "in_progress",
                    "Polismötet i {ort} hålls nu första tisdagen i varje månad.",
                ),
            ),
            feedback=(
                Feedback(
                    0.8,
                    "Det öppna polismötet i {ort} har hållits varje månad hittills "
                    "i år. Flest frågor har gällt bilinbrott och trafiken vid skolan.",
                ),
            ),
        ),
    ],
    MUNICIPALITY: [
        DemoPromise(
            "laga trasig belysning i {centrum} inom en vecka från att den anmälts",
            log=(
                Logged(
                    0.25,
                    SAMORDNARE,
                    "in_progress",
                    "Felanmälan av belysning går nu direkt till gatuenheten.",
                ),
                Logged(
                    0.7,
                    SAMORDNARE,
                    "done",
                    "Alla anmälningar om trasig belysning i "
                    "{centrum} är åtgärdade inom en vecka; rutinen är en del av det "
                    "löpande arbetet.",
                ),
            ),
            feedback=(
                Feedback(
                    0.3,
                    "Den trasiga belysningen vid gångtunneln i {centrum} lagades "
                    "fyra dagar efter att den anmäldes.",
                ),
            ),
        ),
        DemoPromise(
            "ha fältassistenter ute i {ort} på kvällar under skolloven",
            log=(
                Logged(
                    0.2,
                    SAMORDNARE,
                    "in_progress",
                    "Fältassistenterna ute i {ort} tre kvällar under lovet.",
                ),
                Logged(
                    0.55,
                    SAMORDNARE,
                    "in_progress",
                    "Schema klart för fältassistenternas kvällar under resten av årets skollov.",
                ),
            ),
            feedback=(
                Feedback(
                    0.5,
                    "Fältassistenterna har varit ute i {ort} på kvällarna under "
                    "skolloven, och fritidsgården har haft öppet längre.",
                ),
            ),
        ),
    ],
    TOGETHER: [
        DemoPromise(
            "göra en trygghetsvandring i {ort} med boende varje vår och höst",
            log=(
                Logged(
                    0.3,
                    SAMORDNARE,
                    "in_progress",
                    "Trygghetsvandring i {ort} med boende och föreningar; tolv platser noterade.",
                ),
                Logged(
                    0.85,
                    KOMMUNPOLIS,
                    "done",
                    "Årets andra trygghetsvandring i {ort} "
                    "gjord; det som noterades förra gången är åtgärdat.",
                ),
            ),
            feedback=(
                Feedback(
                    0.4,
                    "Vi har gjort en trygghetsvandring i {ort} tillsammans med "
                    "boende och föreningar. Buskagen vid busshållplatsen är klippta "
                    "efter det som kom fram.",
                ),
            ),
        ),
    ],
}


def signed_on(year: int, today: datetime.date) -> datetime.date:
    return min(datetime.date(year, *SIGNED_MONTH_DAY), today)


def day_so_far(year: int, today: datetime.date, share: float) -> datetime.date:
    """The day `share` of the way from the signing of the promise of `year` to today (to
    the year's last day, for an earlier year's promise)."""
    start = signed_on(year, today)
    end = min(today, datetime.date(year, 12, 31))
    return start + datetime.timedelta(days=round(share * (end - start).days))
