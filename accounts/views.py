from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import SignupForm
from accounts.models import User
from accounts.ratelimit import RateLimited, client_ip, too_many_requests
from accounts.signup import resend_verification, signup
from accounts.tokens import verification_token


@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                client_ip=client_ip(request),
            )
        except RateLimited as exc:
            return too_many_requests(request, exc, action="sign up")
        except IntegrityError:
            # Another signup took the address or name between validation and insert.
            form.add_error(None, "That email address or username was just taken. Try another.")
        else:
            login(request, user)
            return redirect("accounts:verification_sent")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def verification_sent(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified:
        return redirect("accounts:account")
    return render(request, "accounts/verification_sent.html", _lifetime())


@login_required
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified:
        messages.info(request, "Your email address is already verified.")
        return redirect("accounts:account")
    try:
        queued = resend_verification(user=request.user)
    except RateLimited as exc:
        return too_many_requests(request, exc, action="ask for another verification email")
    if queued:
        messages.success(request, f"A new link is on its way to {request.user.email}.")
    else:
        messages.info(request, "Your verification email is already on its way; give it a minute.")
    return redirect("accounts:verification_sent")


def _lifetime() -> dict[str, int]:
    return {"verification_days": settings.ACCOUNTS_VERIFICATION_DAYS}


def _user_from_uidb64(uidb64: str) -> User | None:
    try:
        return User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, ValidationError, User.DoesNotExist):
        return None


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _user_from_uidb64(uidb64)
    if user is None or not verification_token.check_token(user, token):
        already = request.user.is_authenticated and request.user == user and user.is_verified
        context = {"already_verified": already, **_lifetime()}
        return render(request, "accounts/verify_invalid.html", context, status=400)
    if request.method == "GET":
        # Mail scanners open links: only the button's POST verifies.
        return render(request, "accounts/verify_confirm.html", {"verifying": user})
    user.mark_email_verified()
    messages.success(request, f"Thank you: {user.email} is verified.")
    if request.user.is_authenticated:
        return redirect("accounts:account")
    return redirect("accounts:login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")
