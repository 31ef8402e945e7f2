"""A signed citizen promise of Strängnäs for this year, as the public-page tests need it."""

import datetime

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from agreements.models import (
    AgreementKind,
    AgreementStatus,
    ProblemPicture,
    ProblemSource,
    RenewalRule,
    SourceKind,
)
from exchange.copying import copy_agreement
from signing.lifecycle import printed_snapshot
from signing.models import AgreementVersion

PAGE = "/medborgarloften/strangnas/"


def make_promise(cooperation, title, year=None, *, signed=True):
    """A citizen promise written in the year (this year by default), copied from the
    cooperation agreement's parties and plan, signed unless told not, with a dialogue."""
    year = year or timezone.localdate().year
    promise = copy_agreement(cooperation, title=title)
    promise.kind = AgreementKind.CITIZEN_PROMISE
    promise.valid_from = promise.valid_until = None
    promise.first_year, promise.last_year, promise.length_years = year, None, None
    promise.renewal_rule = RenewalRule.FIXED_END
    promise.extension_max_years = None
    if signed:
        promise.status = AgreementStatus.SIGNED
    promise.save()
    picture, _ = ProblemPicture.objects.get_or_create(agreement=promise)
    ProblemSource.objects.create(
        problem_picture=picture,
        position=(picture.sources.count() + 1),
        kind=SourceKind.CITIZEN_DIALOGUE,
        title="Trygghetsvandring i centrum",
        held_on=datetime.date(year, 3, 14),
        place="Stora torget",
        people_reached=42,
    )
    return promise


def add_signed_pdf(promise, content: bytes) -> AgreementVersion:
    version = AgreementVersion(
        agreement=promise,
        number=promise.signed_version,
        snapshot=printed_snapshot(promise),
        signed_on=datetime.date(promise.first_year, 1, 15),
        signatures=[],
    )
    version.pdf.save("v1.pdf", ContentFile(content), save=False)
    version.save()
    return version


def forget_cache():
    cache.clear()
