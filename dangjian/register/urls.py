from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("orgs/", views.org_tree, name="org_tree"),
    path("orgs/export/", views.org_export, name="org_export"),
    path("orgs/options/", views.org_options, name="org_options"),
    path("orgs/new/", views.org_create, name="org_create"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/children/", views.org_children, name="org_children"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:pk>/move/", views.org_move, name="org_move"),
    path("orgs/<int:pk>/suspend/", views.org_suspend, name="org_suspend"),
    path("orgs/<int:pk>/restore/", views.org_restore, name="org_restore"),
    path("orgs/<int:pk>/delete/", views.org_delete, name="org_delete"),
    path("divisions/", views.division_list, name="division_list"),
    path("divisions/export/", views.division_export, name="division_export"),
    path("divisions/new/", views.division_create, name="division_create"),
    path("divisions/<int:pk>/edit/", views.division_edit, name="division_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/export/", views.member_export, name="member_export"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/move/", views.member_move, name="member_move"),
    path("members/<int:pk>/suspend/", views.member_suspend, name="member_suspend"),
    path("members/<int:pk>/restore/", views.member_restore, name="member_restore"),
]
