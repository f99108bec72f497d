from django.contrib import admin

from .models import Division, Member, Organization


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "path")
    search_fields = ("name",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "org_type", "unit_type", "division", "is_active")
    search_fields = ("name",)
    list_filter = ("org_type", "unit_type", "is_active")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "sex", "organization", "joined_on", "full_on", "status")
    search_fields = ("name",)
    raw_id_fields = ("organization",)
