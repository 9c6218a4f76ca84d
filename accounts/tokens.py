from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Signed, expiring after ACCOUNTS_VERIFICATION_DAYS, and single-use.

    The hash covers the address and the verification time, so a link stops working once it has
    verified the account or the email address changes.
    """

    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        verified_at = "" if user.email_verified_at is None else user.email_verified_at.isoformat()
        return f"{user.pk}:{user.email.lower()}:{verified_at}:{timestamp}"

    def check_token(self, user, token: str | None) -> bool:
        # The parent's check expires tokens after PASSWORD_RESET_TIMEOUT; ours has its own lifetime.
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        age = self._num_seconds(self._now()) - timestamp
        return signed and 0 <= age <= settings.ACCOUNTS_VERIFICATION_DAYS * 24 * 3600


verification_token = EmailVerificationTokenGenerator()


def uidb64(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))
