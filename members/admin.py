from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from members.mfa import staff_with_two_factor
from members.models import Committee, Invitation, Membership, User

# The admin shows every row: only active staff with a second factor get in, and they log in
# through allauth's login, code step included. (organizing/urls.py serves it only when
# ADMIN_ENABLED is set.)
admin.site.has_permission = staff_with_two_factor  # type: ignore[method-assign]  # Django's documented hook
admin.site.login = secure_admin_login(AdminSite.login.__get__(admin.site))  # type: ignore[method-assign]  # same


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "committee", "role", "created_at", "sent_at", "accepted_at"]
    readonly_fields = ["send_attempts", "last_attempt_at", "sent_at", "last_error", "accepted_at"]
