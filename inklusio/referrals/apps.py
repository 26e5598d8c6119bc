from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "inklusio.referrals"
    verbose_name = "Visitation"
