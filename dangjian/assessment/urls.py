from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/indicators/", views.plan_indicator_add, name="plan_indicator_add"),
    path("plans/<int:pk>/targets/", views.plan_targets_add, name="plan_targets_add"),
    path("plans/<int:pk>/status/", views.plan_status, name="plan_status"),
    path("plans/<int:pk>/uses/", views.plan_use_add, name="plan_use_add"),
    path("plans/<int:pk>/ranking/", views.plan_sheet, name="plan_sheet"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/indicators/<int:indicator_pk>/", views.target_drill, name="target_drill"),
    path("targets/<int:pk>/score/", views.target_score, name="target_score"),
    path("targets/<int:pk>/decision/", views.target_decision, name="target_decision"),
    path("decisions/", views.decisions, name="decisions"),
    path("uses/", views.uses, name="uses"),
    path("problems/", views.problems, name="problems"),
    path("problems/new/", views.problem_create, name="problem_create"),
    path("problems/sheet/", views.problem_sheet_export, name="problem_sheet_export"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/progress/", views.problem_progress, name="problem_progress"),
    path("problems/<int:pk>/verify/", views.problem_verify, name="problem_verify"),
    path("problems/<int:pk>/sign-off/", views.problem_signoff, name="problem_signoff"),
    path("problems/<int:pk>/lookback/", views.problem_lookback, name="problem_lookback"),
    path("debriefs/", views.debriefs, name="debriefs"),
    path("debriefs/new/", views.debrief_create, name="debrief_create"),
    path("debriefs/<int:pk>/", views.debrief_detail, name="debrief"),
    path("lists/", views.lists, name="lists"),
    path("lists/new/", views.list_add, name="list_add"),
    path("lists/<int:pk>/done/", views.list_done, name="list_done"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("tasks/<int:pk>/follow-up/", views.task_follow_up, name="task_follow_up"),
]
