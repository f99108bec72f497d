from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "dangjian.register"
    label = "register"
    verbose_name = "组织与党员名册"
