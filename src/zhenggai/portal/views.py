"""The public portal's pages (no login) and the office's publishing pages (login).

Public pages read only ``PublishedItem`` and ``Publication`` rows: never the ledger, cases or
accountability tables. An item is reached by its unguessable code; a withdrawn or unknown code answers
404 (the same page, so a withdrawn code cannot be told from one never issued). Item pages carry
``Cache-Control: public, max-age=300``, an ETag and Last-Modified and answer 304 to a matching
conditional request (a notice's page changes with the day, when its period ends: its Last-Modified is
never before the start of today, as its ETag includes the date); the language comes from a cookie
(``ChosenLanguageMiddleware``), so public pages say ``Vary: Cookie``. Search results are
``X-Robots-Tag: noindex`` (they repeat the items, which are indexed themselves); office pages
are ``noindex, nofollow`` and private.

Query counts (pinned in the tests): home 2 (count, page), item 1 (the current version with its item
and parent), plan item 2 (+ its tasks' current versions), search 2, sitemap 1.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from zhenggai.acceptance.models import AcceptanceRequest, PublicNotice
from zhenggai.acceptance.views.common import REQUEST_ITEM_RELATED
from zhenggai.accounts.choices import Role
from zhenggai.accounts.scope import ALL, SUBTREE, scope_for
from zhenggai.ledger.models import Plan
from zhenggai.ledger.querysets import units_under
from zhenggai.portal import actions
from zhenggai.portal.models import Kind, Publication, PublishedItem

PAGE_SIZE = 20
OFFICE_PAGE_SIZE = 50
SEARCH_MAX = 100
# The home page lists these kinds by default; a plan's tasks are reached through the plan (or search).
HOME_KINDS = [Kind.PLAN, Kind.NOTICE, Kind.CASE_BATCH, Kind.ACCOUNTABILITY]


def _public(response: HttpResponse, *, robots: str = "") -> HttpResponse:
    patch_cache_control(response, public=True, max_age=300)
    patch_vary_headers(response, ["Cookie"])
    if robots:
        response["X-Robots-Tag"] = robots
    return response


def _current_versions() -> QuerySet[Publication]:
    """The current version of every live item, with its item (one query, no per-row lookups)."""
    return Publication.objects.select_related("item").filter(
        item__withdrawn_at__isnull=True, version=F("item__current_version")
    )


def home(request: HttpRequest) -> HttpResponse:
    """Live items newest first, of one kind (``?kind=``) or of the home kinds; paginated."""
    kind = request.GET.get("kind", "")
    items = PublishedItem.objects.live().only("kind", "code", "title", "published_at")
    items = items.filter(kind=kind) if kind in Kind.values else items.filter(kind__in=HOME_KINDS)
    page = Paginator(items.order_by("-published_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    kind = kind if kind in Kind.values else ""
    extra = f"{urlencode({'kind': kind})}&" if kind else ""
    context = {"page": page, "kind": kind, "kinds": Kind.choices, "extra": extra}
    return _public(render(request, "portal/home.html", context))


def search(request: HttpRequest) -> HttpResponse:
    """Live items whose published title contains the words (nothing else is searched)."""
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    page = None
    if query:
        items = PublishedItem.objects.live().only("kind", "code", "title", "published_at")
        for word in query.split():
            items = items.filter(title__icontains=word)
        page = Paginator(items.order_by("-published_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "extra": f"{urlencode({'q': query})}&"}
    return _public(render(request, "portal/search.html", context), robots="noindex")


def sitemap(request: HttpRequest) -> HttpResponse:
    """sitemap.xml of the live items."""
    items = PublishedItem.objects.live().order_by("-published_at", "-pk").only("code", "published_at")
    response = render(request, "portal/sitemap.xml", {"items": items}, content_type="application/xml")
    return _public(response)


def item(request: HttpRequest, code: str) -> HttpResponse:
    """An item's current version, rendered by ``portal/kinds/<kind>.html``; a plan lists its tasks."""
    version = _current_versions().select_related("item__parent").filter(item__code=code).first()
    if version is None:
        raise Http404
    published = version.item
    parts: list[Publication] = []
    if published.kind == Kind.PLAN:
        parts = list(_current_versions().filter(item__parent=published).order_by("item__pk"))
    parent = published.parent if published.parent and published.parent.is_live else None
    # The page changes with a new version (of the item or of a task it lists), the language and the day
    # (a notice's period ends).
    stamps = [f"{published.code}:{version.version}"] + [f"{p.item.code}:{p.version}" for p in parts]
    tag = hashlib.sha256("|".join([*stamps, get_language() or "", str(timezone.localdate())]).encode()).hexdigest()
    etag = f'"{tag[:32]}"'
    modified = max([version.published_at] + [p.published_at for p in parts])
    if published.kind == Kind.NOTICE:
        # The page depends on the day (open for objections or ended): a copy from yesterday is stale.
        start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        modified = max(modified, start_of_today)
    modified = modified.timestamp()
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(modified))
    if not_modified is not None:
        return _public(not_modified)
    context = {
        "item": published,
        "version": version,
        "payload": version.payload,
        "parts": parts,
        "parent": parent,
        "today": timezone.localdate().isoformat(),
    }
    response = render(request, f"portal/kinds/{published.kind}.html", context)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    return _public(response)


# --- office pages (login) ------------------------------------------------------------------------


def office_items(user) -> QuerySet[PublishedItem]:
    """The items an office manages: those of its jurisdiction and below (all for an administrator)."""
    scope = scope_for(user)
    if scope.kind == ALL:
        return PublishedItem.objects.all()
    if scope.kind != SUBTREE or scope.role != Role.OFFICE:
        return PublishedItem.objects.none()
    return PublishedItem.objects.filter(jurisdiction_id__in=units_under(scope.root_path))


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class OfficeMixin(LoginRequiredMixin):
    """Offices and administrators only (403 for other signed-in users)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        scope = scope_for(request.user)
        if not (scope.kind == ALL or (scope.kind == SUBTREE and scope.role == Role.OFFICE)):
            raise PermissionDenied(_("Only an office publishes to the portal."))
        return _private(super().dispatch(request, *args, **kwargs))


def offices_notices(user) -> QuerySet[PublicNotice]:
    """The notices (公示) whose office the user is: of problems of the plans the user may change and of
    complaint cases of the batches the user manages (``AcceptanceRequest.objects.office_of``, the inbox's
    rule: one ``pk IN (… UNION …)``); all for an administrator. Each with its request's problem or case."""
    related = [f"request__{name}" for name in REQUEST_ITEM_RELATED]
    return PublicNotice.objects.filter(request__in=AcceptanceRequest.objects.office_of(user)).select_related(*related)


def unpublished_notices(user) -> list[PublicNotice]:
    """Open notices (公示) of the office's problems and cases that are not on the portal (normally none: a
    notice is published when it opens; this catches one whose automatic publication failed). Two queries
    whatever their number: the notices with their items, then which of them are published (none without
    notices: an empty ``key__in`` reads nothing)."""
    notices = offices_notices(user).filter(closed_at__isnull=True, ends_on__gte=timezone.localdate())
    notices = list(notices.order_by("ends_on", "pk")[:OFFICE_PAGE_SIZE])
    published = set(
        PublishedItem.objects.filter(key__in=[actions.notice_key(n) for n in notices]).values_list("key", flat=True)
    )
    return [notice for notice in notices if actions.notice_key(notice) not in published]


class OfficeListView(OfficeMixin, View):
    """The office's publications (live and withdrawn), newest first, with a withdraw form for live ones;
    above them any open notice not yet on the portal, with a publish button."""

    def get(self, request: HttpRequest) -> HttpResponse:
        items = office_items(request.user).select_related("withdrawn_by", "parent").order_by("-published_at", "-pk")
        page = Paginator(items, OFFICE_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "notices": unpublished_notices(request.user)}
        return render(request, "portal/office_list.html", context)


class PublishNoticeView(OfficeMixin, View):
    """POST: publish an open notice of a problem or a complaint case, by its office (``offices_notices``:
    the plan's office or the office over the case's batch, or above); 404 for any other notice."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = get_object_or_404(offices_notices(request.user), pk=pk)
        try:
            published = actions.publish_notice(notice, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _published(request, published)
        return HttpResponseRedirect(reverse("portal:office"))


def _published(request: HttpRequest, published: PublishedItem) -> None:
    messages.success(
        request,
        _("Published on the portal (version %(version)s): %(url)s")
        % {"version": published.current_version, "url": request.build_absolute_uri(published.get_absolute_url())},
    )


class PublishPlanView(OfficeMixin, View):
    """POST: publish a plan and its tasks (the plan's office or above; an approved or published plan);
    404 for a plan not visible."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
        try:
            published = actions.publish_plan(plan, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("ledger:plan_detail", args=[plan.pk]))
        _published(request, published)
        return HttpResponseRedirect(reverse("portal:office"))


class PublishTaskView(OfficeMixin, View):
    """POST: publish again one withdrawn task of a live published plan (one of the office's items)."""

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        published = get_object_or_404(office_items(request.user), code=code)
        try:
            published = actions.publish_task(published, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _published(request, published)
        return HttpResponseRedirect(reverse("portal:office"))


class WithdrawView(OfficeMixin, View):
    """POST: withdraw one of the office's items, with the reason."""

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        published = get_object_or_404(office_items(request.user), code=code)
        try:
            actions.withdraw(key=published.key, acting_user=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Withdrawn from the portal: %(title)s") % {"title": published.title})
        return HttpResponseRedirect(reverse("portal:office"))
