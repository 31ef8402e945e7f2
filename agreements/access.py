"""Who may see and change which agreement, and which of its action plans.

Every view fetches agreements and plans through these helpers. An agreement of another
organisation does not exist for the user (404); one the user may read but not change
answers 403. Readers of a party read everything of its agreements; superusers (the
administrators) see and change everything. Editors (coordinators and municipal police
officers) change:

- the agreement's shared parts (the draft's text, its shared plans, i.e. those of no
  municipality, and the agreement's follow-up: reports, cadences, measurable goals):
  every coordinator of a party, and every kommunpolis of a party who works with one of
  the agreement's municipalities (or, with no `works_with`, for their whole unit);
- a municipality's plan (its facts, rows, Excel upload and follow-up logging on its
  rows): that municipality's coordinators, and the kommunpoliser of a party who work
  with it (or for their whole unit).

So in an agreement of several municipalities each one keeps its own plan, and a
räddningstjänst or another party's coordinator changes the shared parts only.
docs/editing.md ("Who may change what") gives the reasons.

Views ask here and nowhere else (tests/test_access_in_one_place.py checks): per object a
"see it" helper (404 for outsiders) and a "change it" helper (403 for those who only
read), as healthchecks' `_get_check_for_user`:

- an agreement: `get_agreement` / `get_agreement_for_editing`;
- a draft's text: `get_agreement` / `get_draft_for_editing`;
- a new plan of the agreement: `get_agreement_for_new_plan`;
- a plan, its rows and their follow-up: `get_of_agreement` (the plan with its agreement,
  through `actionplans.models.get_plan`) then `check_may_change_plan`;
- the follow-up (reports, measurable goals), shown to readers and changed by editors on
  the same page: `get_agreement` then `check_may_post`;
- a new agreement: `check_may_create_agreements`.

Pages ask `agreement_permissions` what the user may do, so templates never restate a rule.

Over 400 lines as one module on purpose: it is the one place of every rule of who sees and
changes what, which a split would scatter again.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from organisations.models import Membership, MembershipRole, Organisation, OrganisationKind
from organisations.names import all_municipality_slugs, police_area_slug

from .models import Agreement, AgreementKind, AgreementStatus, Party

EDITING_ROLES = (MembershipRole.COORDINATOR, MembershipRole.POLICE_OFFICER)


@dataclass(frozen=True)
class EditingRights:
    """What one user may change in one agreement; worked out once per request by
    `editing_rights`, then asked per plan without further queries."""

    everything: bool = False  # an administrator
    shared: bool = False  # the agreement's shared parts, see the module's docstring
    municipalities: frozenset[int] = field(default_factory=frozenset)  # whose plans

    def may_change_plan(self, plan) -> bool:
        if self.everything:
            return True
        if plan.municipality_id is None:
            return self.shared
        return plan.municipality_id in self.municipalities

    def may_choose_municipality(self, municipality_id) -> bool:
        """Whether a plan may be made (or moved to be) this municipality's plan."""
        return self.everything or municipality_id in self.municipalities


def editing_rights(user, agreement) -> EditingRights:
    """The user's rights in the agreement, in two queries (none for an administrator; one
    when the agreement was fetched with its parties and their organisations, as the plan
    pages fetch it: the parties are then not read again)."""
    loaded = getattr(agreement, "_prefetched_objects_cache", {}).get("parties")
    parties = None
    if loaded is not None and all(Party.organisation.is_cached(party) for party in loaded):
        parties = [(agreement.pk, p.organisation_id, p.organisation.kind) for p in loaded]
    return editing_rights_in(user, [agreement.pk], parties)[agreement.pk]


def editing_rights_in(user, agreement_ids, parties=None) -> dict[int, EditingRights]:
    """The user's rights in each of these agreements, in two queries however many (one when
    `parties` gives their parties as (agreement id, organisation id, organisation kind))."""
    if not user.is_authenticated:
        return dict.fromkeys(agreement_ids, EditingRights())
    if user.is_superuser:
        return dict.fromkeys(agreement_ids, EditingRights(everything=True, shared=True))
    if parties is None:
        parties = Party.objects.filter(agreement_id__in=agreement_ids).values_list(
            "agreement_id", "organisation_id", "organisation__kind"
        )
    parties_of, municipalities_of = {}, {}
    for agreement_id, organisation_id, kind in parties:
        parties_of.setdefault(agreement_id, set()).add(organisation_id)
        if kind == OrganisationKind.MUNICIPALITY:
            municipalities_of.setdefault(agreement_id, set()).add(organisation_id)
    memberships = list(
        Membership.objects.filter(
            user=user,
            role__in=EDITING_ROLES,
            organisation_id__in={
                pk for organisations in parties_of.values() for pk in organisations
            },
        ).values_list("organisation_id", "role", "works_with_id")
    )
    return {
        agreement_id: _rights(
            [m for m in memberships if m[0] in parties_of.get(agreement_id, ())],
            municipalities_of.get(agreement_id, set()),
        )
        for agreement_id in agreement_ids
    }


def _rights(memberships, municipalities_of_agreement) -> EditingRights:
    """The rule itself, for one agreement: the user's editing memberships of its parties
    as (organisation, role, works_with) and the ids of its municipalities."""
    shared, municipalities = False, set()
    for organisation_id, role, works_with_id in memberships:
        if role == MembershipRole.COORDINATOR:
            shared = True
            if organisation_id in municipalities_of_agreement:
                municipalities.add(organisation_id)
        else:  # a kommunpolis, for the whole unit or for one municipality
            if works_with_plan(works_with_id, municipalities_of_agreement, None):
                shared = True
            municipalities |= {
                municipality
                for municipality in municipalities_of_agreement
                if works_with_plan(works_with_id, municipalities_of_agreement, municipality)
            }
    return EditingRights(shared=shared, municipalities=frozenset(municipalities))


def works_with_plan(works_with_id, party_ids, plan_municipality_id) -> bool:
    """The rule for a kommunpolis who works with one municipality (`works_with`; None: for
    the whole unit), in one place for their rights, Mina uppgifter and the reminders: they
    have an agreement's plan when that municipality is a party and the plan is not
    another municipality's (a shared plan, or their municipality's own)."""
    if works_with_id is None:
        return True
    return works_with_id in party_ids and plan_municipality_id in (None, works_with_id)


def works_with_plan_condition(works_with_id, plan="plan") -> Q:
    """`works_with_plan` as a condition on a query reaching the plan by the path `plan`."""
    if works_with_id is None:
        return Q()
    is_a_party = Party.objects.filter(
        agreement_id=OuterRef(f"{plan}__agreement_id"), organisation_id=works_with_id
    )
    return Q(Exists(is_a_party)) & (
        Q(**{f"{plan}__municipality__isnull": True})
        | Q(**{f"{plan}__municipality_id": works_with_id})
    )


def plan_editor_ids(plan):
    """The ids of the users who may change the plan (its rows and their follow-up) by the
    rule of `editing_rights`, as a subquery: the coordinators of the plan's municipality
    (of any party for a shared plan), and the kommunpoliser of a party who work with it
    (`works_with_plan`). Readers and organisation administrators are not among them, nor
    the administrators, who change every plan as no party's member."""
    parties = Party.objects.filter(agreement_id=plan.agreement_id)
    party_ids = parties.values("organisation_id")
    if plan.municipality_id is None:
        coordinators = Q()
        officers = Q(works_with__isnull=True) | Q(works_with_id__in=party_ids)
    else:
        coordinators = Q(organisation_id=plan.municipality_id)
        officers = Q(Exists(parties.filter(organisation_id=plan.municipality_id))) & (
            Q(works_with__isnull=True) | Q(works_with_id=plan.municipality_id)
        )
    return (
        Membership.objects.filter(organisation_id__in=party_ids)
        .filter(
            (Q(role=MembershipRole.COORDINATOR) & coordinators)
            | (Q(role=MembershipRole.POLICE_OFFICER) & officers)
        )
        .values("user_id")
    )


def visible_agreements(user):
    """The agreements the user's organisations are party to; every agreement for admins."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_superuser:
        return Agreement.objects.all()
    return Agreement.objects.filter(pk__in=_ids_of_agreements_seen_by(user))


def _ids_of_agreements_seen_by(user):
    """The ids of the agreements a party's organisation of which the user is a member is
    party to, as a subquery: one level, which Django compiles in about half the time of an
    agreement subquery around it (every page asks it)."""
    return Party.objects.filter(organisation__memberships__user=user).values("agreement_id")


def editable_agreements(user):
    """The agreements whose shared parts the user may change (see the module's docstring):
    as coordinator of a party, or as kommunpolis of a party working with one of the
    agreement's municipalities or for the whole unit. The same rule as `editing_rights`."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_superuser:
        return Agreement.objects.all()
    of_a_party = Membership.objects.filter(
        user=user, organisation__parties__agreement=OuterRef("pk")
    )
    return Agreement.objects.filter(
        Exists(of_a_party.filter(role=MembershipRole.COORDINATOR))
        | Exists(
            of_a_party.filter(role=MembershipRole.POLICE_OFFICER).filter(
                Q(works_with__isnull=True) | Q(works_with__parties__agreement=OuterRef("pk"))
            )
        )
    )


def may_edit(user, agreement) -> bool:
    """Whether the user may change the agreement's shared parts."""
    return editing_rights(user, agreement).shared


def get_agreement(user, pk, queryset=None):
    """The agreement if the user may see it, loaded with `queryset`; else 404."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        raise Http404
    if not user.is_superuser:
        queryset = queryset.filter(pk__in=_ids_of_agreements_seen_by(user))
    try:
        return queryset.get(pk=pk)
    except Agreement.DoesNotExist:
        raise Http404 from None


def get_of_agreement(user, pk, queryset, object_pk):
    """The object `object_pk` of the agreement `pk` (a plan, whose `queryset` selects its
    agreement) if the user may see the agreement, in one query with the check that
    `get_agreement` makes: asking for the agreement and then for its plan cost a round trip
    more on every plan page and row save. Else 404."""
    if not user.is_authenticated:
        raise Http404
    queryset = queryset.filter(agreement__pk=pk)
    if not user.is_superuser:
        queryset = queryset.filter(agreement_id__in=_ids_of_agreements_seen_by(user))
    try:
        return queryset.get(pk=object_pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def get_agreement_for_editing(user, pk, queryset=None):
    """The agreement if the user may change its shared parts; 404 if they may not see it,
    else 403."""
    agreement = get_agreement(user, pk, queryset)
    if not may_edit(user, agreement):
        raise PermissionDenied
    return agreement


def get_draft_for_editing(user, pk, queryset=None):
    """The agreement if the user may change it and it is still a draft (only a draft's
    text, parties and period change; a signed text is revised); 404 if they may not see
    it, else 403."""
    agreement = get_agreement_for_editing(user, pk, queryset)
    if not agreement.is_draft:
        raise PermissionDenied
    return agreement


def get_agreement_for_new_plan(user, pk, queryset=None):
    """The agreement if the user may add a plan to it now (its plans are open, see
    `Agreement.plans_are_editable`); 404 if they may not see it, else 403."""
    agreement = get_agreement_for_editing(user, pk, queryset)
    if not agreement.plans_are_editable:
        raise PermissionDenied
    return agreement


def may_change_plan_now(agreement, plan, rights: EditingRights) -> bool:
    """Whether these rights change the plan (its facts, rows, upload and follow-up logging)
    now: the agreement must be one whose plans are open."""
    return agreement.plans_are_editable and rights.may_change_plan(plan)


def check_may_change_plan(user, agreement, plan, rights=None) -> EditingRights:
    """403 unless the user may change the plan now (`may_change_plan_now`). The agreement
    comes from `get_agreement`, so an outsider has had their 404 already. Returns the
    rights, for the page to ask again."""
    rights = rights or editing_rights(user, agreement)
    if not may_change_plan_now(agreement, plan, rights):
        raise PermissionDenied
    return rights


def check_may_post(request, agreement) -> bool:
    """For a page everyone who sees the agreement reads and its editors change in place
    (a report, a measurable goal): whether the user may change the agreement's shared
    parts; 403 for a POST by one who may not. The agreement comes from `get_agreement`."""
    editing = may_edit(request.user, agreement)
    if request.method == "POST" and not editing:
        raise PermissionDenied
    return editing


def may_create_agreements(user) -> bool:
    """Coordinators and kommunpoliser (of any organisation) and administrators write new
    agreements; readers and organisation administrators do not."""
    return (
        user.is_superuser or Membership.objects.filter(user=user, role__in=EDITING_ROLES).exists()
    )


def check_may_create_agreements(user) -> None:
    """403 unless the user may write new agreements."""
    if not may_create_agreements(user):
        raise PermissionDenied


@dataclass(frozen=True)
class AgreementPermissions:
    """What the user may do with one agreement now, for its page to ask (`rights.may_revise`)
    instead of restating the rules in the template. Made by `agreement_permissions`."""

    agreement: Agreement
    rights: EditingRights
    may_create: bool  # write new agreements, so also copy this one into a new draft

    @property
    def may_edit(self) -> bool:
        """Change the agreement's shared parts (whatever its state)."""
        return self.rights.shared

    @property
    def may_edit_draft(self) -> bool:
        """Edit the draft's text, and make it ready for signature."""
        return self.may_edit and self.agreement.is_draft

    @property
    def may_add_plan(self) -> bool:
        return self.may_edit and self.agreement.plans_are_editable

    @property
    def may_revise(self) -> bool:
        """Begin a new version of the signed text (and extend or terminate it)."""
        return (
            self.may_edit
            and bool(self.agreement.signed_version)
            and self.agreement.status == AgreementStatus.SIGNED
        )

    @property
    def may_copy(self) -> bool:
        return self.may_create

    @property
    def may_start_next_promise(self) -> bool:
        """Start next period's citizen promise from this one (Nytt medborgarlöfte), once it
        is signed (as Nästa period)."""
        return (
            self.may_edit
            and self.agreement.kind == AgreementKind.CITIZEN_PROMISE
            and self.agreement.may_be_followed
        )

    @property
    def may_start_next_period(self) -> bool:
        """Start next period's draft of this cooperation agreement (Nästa period): one who
        writes agreements and changes this one's shared parts, once it is signed (and not
        being revised)."""
        return (
            self.may_edit
            and self.may_create
            and self.agreement.kind == AgreementKind.COOPERATION_AGREEMENT
            and self.agreement.may_be_followed
        )


def agreement_permissions(user, agreement) -> AgreementPermissions:
    """What the user may do with the agreement, in three queries (fewer for administrators)."""
    return AgreementPermissions(
        agreement=agreement,
        rights=editing_rights(user, agreement),
        may_create=may_create_agreements(user),
    )


# The law's items per municipality (prevention/) and the police area's page (areas/).
# A municipality's page is seen by its own members and by the members of every
# organisation party to one of its agreements (they work with it); its law items are
# changed by its coordinators and organisation administrators. A police area's page is
# seen by its members and its municipalities' members. Others: 404.

LAW_EDITING_ROLES = (MembershipRole.COORDINATOR, MembershipRole.ORGANISATION_ADMIN)


def visible_municipalities(user):
    """The municipalities whose page the user may see."""
    municipalities = Organisation.objects.municipalities()
    if not user.is_authenticated:
        return municipalities.none()
    if user.is_superuser:
        return municipalities
    partners = Party.objects.filter(
        agreement__parties__organisation__memberships__user=user
    ).values("organisation")
    return municipalities.filter(Q(memberships__user=user) | Q(pk__in=partners)).distinct()


def visible_police_areas(user):
    """The local police areas whose page the user may see."""
    areas = Organisation.objects.filter(kind=OrganisationKind.POLICE_AREA)
    if not user.is_authenticated:
        return areas.none()
    if user.is_superuser:
        return areas
    return areas.filter(
        Q(memberships__user=user) | Q(municipalities__memberships__user=user)
    ).distinct()


def get_municipality(user, slug: str):
    """The municipality whose page's address is `slug` (organisations.names
    .municipality_slugs), if the user may see its page; else 404."""
    pk = next((pk for pk, each in all_municipality_slugs().items() if each == slug), None)
    try:
        municipality = visible_municipalities(user).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    municipality.slug = slug
    return municipality


def get_police_area(user, slug: str):
    """The local police area written `slug` (organisations.names.police_area_slug), if
    the user may see its page; else 404."""
    for area in visible_police_areas(user).order_by("name"):
        if police_area_slug(area.name) == slug:
            return area
    raise Http404


def may_edit_law_items(user, municipality) -> bool:
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, organisation=municipality, role__in=LAW_EDITING_ROLES
        ).exists()
    )


def get_municipality_for_law_editing(user, slug: str):
    """The municipality if the user may change its law items; 404 if they may not see
    its page, else 403."""
    municipality = get_municipality(user, slug)
    if not may_edit_law_items(user, municipality):
        raise PermissionDenied
    return municipality
