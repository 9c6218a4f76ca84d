from accounts.models import User
from accounts.tasks import defer_once, send_password_reset_email


def request_password_reset(*, user: User) -> bool:
    """Queue a reset email; the task makes the token when it sends. False when one is waiting."""
    return defer_once(send_password_reset_email, user_id=user.pk)
