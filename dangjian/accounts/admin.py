from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "organization", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = BaseUserAdmin.fieldsets + (("角色与范围", {"fields": ("role", "organization", "member")}),)
    raw_id_fields = ("organization", "member")
