"""Kedjan: the chain from problem to result of one agreement (pages/chain.py builds it)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agreements.access import get_agreement

from .chain import build_chain, chain_agreements


@login_required
@require_GET
def agreement_chain(request, pk):
    """Everyone who sees the agreement reads its chain; an outsider gets 404."""
    agreement = get_agreement(request.user, pk, chain_agreements())
    chain = build_chain(request.user, agreement, timezone.localdate())
    return render(request, "agreements/chain.html", {"agreement": agreement, "chain": chain})
