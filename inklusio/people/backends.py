from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend, UserModel


class LockoutBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses every sign-in from a username + address that
    has failed too often (django-axes, settings AXES_*). It signs no one in itself.

    Every sign-in of the application passes the request (the login form does). A call without
    one (the test client's `login()`, the shell) has no address to count by and is not
    checked; the audit log still records its failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class InklusioBackend(ModelBackend):
    """Demo accounts (known passwords) can never sign in when demo logins are disabled."""

    def user_can_authenticate(self, user) -> bool:
        if not settings.DEMO_LOGINS_ENABLED and user.username.startswith("demo-"):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        """ModelBackend's, with the municipality every page shows beside the user's name and
        the institution a leader's or staff member's start page names: one query, not three."""
        try:
            user = UserModel._default_manager.select_related("municipality", "institution").get(
                pk=user_id
            )
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
