"""The second-factor step, the account page, password change and reset, and the
administration's reset of a lost second factor."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.core.errors import DomainError
from inklusio.core.forms import save_form, show_refusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.core.listing import Listing
from inklusio.people import forms, selectors, services, twofactor
from inklusio.people.models import User


@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if twofactor.second_factor_state(request) == twofactor.OK:
        return redirect(twofactor.safe_next(request))
    form = forms.VerifyForm(request.POST or None)
    if form.is_valid():
        try:
            verified = services.second_factor_verify(
                actor=request.user, token=form.cleaned_data["token"]
            )
        except services.SecondFactorRefused as refused:
            form.add_error("token", refused.message)
        else:
            twofactor.mark_verified(request, verified.device)
            if verified.method == "recovery_code":
                messages.warning(request, _recovery_code_message(verified.recovery_codes_left))
            return redirect(twofactor.safe_next(request))
    context = {"form": form, "next": twofactor.safe_next(request)}
    return render(request, "registration/two_factor_verify.html", context)


def _recovery_code_message(left: int) -> str:
    return _(
        "Du har brugt en gendannelseskode; den virker ikke igen. Du har %(left)s tilbage. "
        "Opsæt appen igen under Min konto, hvis du har mistet din telefon."
    ) % {"left": left}


@login_required
def two_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    key = twofactor.pending_key(request)
    form = forms.CodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = services.second_factor_enrol(
                actor=request.user, key=key, token=form.cleaned_data["token"]
            )
        except services.SecondFactorRefused as refused:
            form.add_error("token", refused.message)
        else:
            del request.session[twofactor.PENDING_KEY]
            twofactor.mark_verified(request, None)
            request.session[twofactor.CODES_KEY] = codes
            query = urlencode({"next": twofactor.safe_next(request)})
            return redirect(f"{reverse(twofactor.CODES_VIEW)}?{query}")
    uri = twofactor.provisioning_uri(request.user, key)
    context = {
        "form": form,
        "qr_code": twofactor.qr_code_data_uri(uri),
        "manual_key": twofactor.manual_key(key),
        "required": access.second_factor_required(request.user),
        "next": twofactor.safe_next(request),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@login_required
def two_factor_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The new recovery codes, once: taken out of the session as they are shown."""
    codes = request.session.pop(twofactor.CODES_KEY, None)
    context = {"codes": codes, "next": twofactor.safe_next(request)}
    return render(request, "registration/two_factor_recovery_codes.html", context)


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "status": selectors.second_factor_status(request.user),
        "can_manage_users": access.can_manage_users(request.user),
        "can_use_today": access.can_use_today(request.user),
        "may_hold_api_token": access.may_hold_api_token(request.user),
    }
    return render(request, "registration/account.html", context)


@login_required
def second_factor_users(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The administration's users page: the municipality's staff accounts, filtered by role
    and open/closed, each with its second factor (which may be reset here)."""
    if not access.can_manage_users(request.user):
        raise Http404
    listing = Listing(
        request,
        form=forms.UserFilterForm(request.GET, user=request.user),
        columns=forms.USER_COLUMNS,
        default_sort="name",
    )
    rows = listing.paginate(selectors.users_for_management(request.user))
    resettable = set(
        access.users_whose_second_factor_may_be_reset(request.user)
        .filter(pk__in=[row.pk for row in rows if getattr(row, "has_second_factor", False)])
        .filter(is_active=True)
        .values_list("pk", flat=True)
    )
    context = {
        "listing": listing,
        "users": [(row, row.pk in resettable) for row in rows],
    }
    return render(request, "registration/second_factor_users.html", context)


@require_POST
@login_required
def second_factor_reset(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    target = access.get_visible_or_404(
        access.users_whose_second_factor_may_be_reset(request.user), username=username
    )
    services.second_factor_reset(actor=request.user, user=target)
    messages.success(
        request,
        _("Anden faktor for %(name)s er nulstillet. Ved næste login opsættes en ny.")
        % {"name": target},
    )
    # Back to the page the button was on (the users page, or e.g. a partner's page).
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("second-factor-users")


def _managed_or_404(request: AuthenticatedHttpRequest, username: str) -> User:
    user: User = access.get_visible_or_404(
        access.users_managed_by(request.user).select_related("institution"), username=username
    )
    return user


@login_required
def user_edit(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    """One staff account: its name, e-mail, role and institution, and closing or reopening it."""
    target = _managed_or_404(request, username)
    initial = {
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "role": target.role,
        "institution": target.institution,
    }
    form = forms.UserForm(
        request.POST or None,
        initial=initial,
        institutions=selectors.institutions_for_users(request.user),
        version=target.version,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_form(form, services.user_update, actor=request.user, user=target)
    ):
        messages.success(request, _("Brugeren %(name)s er gemt.") % {"name": target})
        return redirect("second-factor-users")
    context = {
        "form": form,
        "person": target,
        "is_self": target.pk == request.user.pk,
    }
    return render(request, "registration/user_form.html", context)


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new staff account without a password: the person chooses one from the mailed link,
    or signs in with the municipality's single sign-on."""
    if not access.can_manage_users(request.user):
        raise Http404
    form = forms.UserCreateForm(
        request.POST or None, institutions=selectors.institutions_for_users(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            user = services.user_create(actor=request.user, data=data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            if user.email:
                message = _(
                    "Brugeren %(name)s er oprettet og har fået en e-mail om at vælge adgangskode."
                )
            else:
                message = _(
                    "Brugeren %(name)s er oprettet uden e-mail og logger ind med kommunens login."
                )
            messages.success(request, message % {"name": user})
            return redirect("user-edit", username=user.username)
    return render(request, "registration/user_form.html", {"form": form, "person": None})


@require_POST
@login_required
def user_deactivate(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    target = _managed_or_404(request, username)
    try:
        services.user_deactivate(actor=request.user, user=target)
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Kontoen for %(name)s er lukket. Adgangen er ophørt med det samme.")
            % {"name": target},
        )
    return redirect("user-edit", username=target.username)


@require_POST
@login_required
def user_reactivate(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    target = _managed_or_404(request, username)
    try:
        services.user_reactivate(actor=request.user, user=target)
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Kontoen for %(name)s er åbnet igen.") % {"name": target})
    return redirect("user-edit", username=target.username)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("account")
    request: AuthenticatedHttpRequest  # Django's PasswordChangeView is behind login_required

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        services.password_change(
            actor=self.request.user, password=form.cleaned_data["new_password1"]
        )
        # Other sessions end with the old password; this one stays signed in.
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Din adgangskode er ændret."))
        return redirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = settings.PASSWORD_RESET_TIMEOUT // 60
        return context


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("password-reset-complete")

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        if user is not None and not settings.DEMO_LOGINS_ENABLED:
            return None if user.username.startswith("demo-") else user
        return user

    def form_valid(self, form: auth_forms.SetPasswordForm[User]) -> HttpResponse:
        services.password_reset(actor=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@never_cache
@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own API tokens (the administration: the municipality's), and a new one; its
    secret is shown on the answer to the post, once, and is not stored."""
    if not access.may_hold_api_token(request.user):
        raise Http404
    others = access.can_manage_api_tokens_of_others(request.user)
    owners = access.users_for_api_tokens(request.user).order_by("first_name", "username")
    initial = {"owner": request.user.pk} if others else None
    form = forms.ApiTokenForm(
        request.POST or None, owners=owners if others else None, initial=initial
    )
    secret = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            _token, secret = services.api_token_create(
                actor=request.user,
                owner=data.get("owner") or request.user,
                name=data["name"],
                scope=data["scope"],
                expires_on=data["expires_on"],
            )
        except services.ApiTokenRefused as refused:
            form.add_error(refused.field or None, refused.message)
        else:
            form = forms.ApiTokenForm(owners=owners if others else None, initial=initial)
    context = {
        "form": form,
        "secret": secret,
        "tokens": selectors.api_tokens_for(request.user),
        "others": others,
    }
    return render(request, "registration/api_tokens.html", context)


@require_POST
@login_required
def api_token_revoke(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    token = access.get_visible_or_404(
        access.api_tokens_visible_to(request.user), public_id=public_id
    )
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("API-nøglen %(name)s er tilbagekaldt.") % {"name": token.name})
    return redirect("api-tokens")
