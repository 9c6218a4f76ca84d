from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class VerifiedFilter(admin.SimpleListFilter):
    title = _("email verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Verified")), ("no", _("Unverified"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(email_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_verified_at__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "email_verified_at", "is_staff", "date_joined"]
    list_filter = [VerifiedFilter, "is_staff", "is_superuser", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Verification"), {"fields": ["email_verified_at"]}),
    ]
