"""The public page of a notice (公示) and its objection form: no account needed, reached by the code.

Only the notice's own text and dates are shown. While the notice is open anyone may object (name,
contact, text, one optional file); the form is CSRF-protected like every form of the site.

Abuse limit, counted in the database on ``Objection.submitted_ip`` and ``submitted_at``: at most
``PER_IP_PER_HOUR`` objections from one address within an hour (over all notices) and
``PER_NOTICE_PER_IP`` on one notice from one address; beyond that the page answers HTTP 429.
The address is ``REMOTE_ADDR``: behind a reverse proxy that is the proxy's, unless the proxy sets it.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from zhenggai.acceptance import actions
from zhenggai.acceptance.forms import ObjectionForm
from zhenggai.acceptance.models import Objection, PublicNotice
from zhenggai.core.forms import errors_to_form

PER_IP_PER_HOUR = 5
PER_NOTICE_PER_IP = 3


def over_limit(notice: PublicNotice, ip: str | None) -> bool:
    """True when ``ip`` has already filed as many objections as the limits allow."""
    if not ip:
        return False
    recent = Objection.objects.filter(submitted_ip=ip, submitted_at__gte=timezone.now() - timedelta(hours=1))
    if recent.count() >= PER_IP_PER_HOUR:
        return True
    return Objection.objects.filter(notice=notice, submitted_ip=ip).count() >= PER_NOTICE_PER_IP


class PublicNoticeView(View):
    """A notice's text and dates; while it is open, the objection form (anyone, no login)."""

    template_name = "acceptance/public_notice.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.notice = get_object_or_404(PublicNotice, code=kwargs["code"])
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form: ObjectionForm | None, *, status: int = 200, limited: bool = False) -> HttpResponse:
        notice = self.notice
        context = {
            "notice": notice,
            "is_open": notice.is_open_on(self.today),
            "not_yet": notice.closed_at is None and self.today < notice.starts_on,
            "form": form,
            "limited": limited,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self.render_page(ObjectionForm())

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        ip = request.META.get("REMOTE_ADDR") or None
        if over_limit(self.notice, ip):
            return self.render_page(None, status=429, limited=True)
        form = ObjectionForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        data = form.cleaned_data
        try:
            actions.file_objection(
                self.notice,
                name=data["name"],
                contact=data["contact"],
                text=data["text"],
                attachment=data["attachment"] or None,
                ip=ip,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.render_page(form)
        messages.success(request, _("Your objection has been received; the office will check it."))
        return HttpResponseRedirect(request.path)
