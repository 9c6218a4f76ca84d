from django import forms
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.contrib.auth.forms import UserCreationForm

from accounts.models import User
from accounts.passwords import request_password_reset


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254,
        help_text="We send a link to this address to confirm it is yours.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["email", "username"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists."
                " Log in, or reset your password.",
                code="email_taken",
            )
        return email


class PasswordResetForm(BasePasswordResetForm):
    """Queues the reset email instead of sending it during the request."""

    def save(self, **_unused) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            request_password_reset(user=user)
