from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class InklusioBackend(ModelBackend):
    """Demo accounts (known passwords) can never sign in when demo logins are disabled."""

    def user_can_authenticate(self, user) -> bool:
        if not settings.DEMO_LOGINS_ENABLED and user.username.startswith("demo-"):
            return False
        return super().user_can_authenticate(user)
