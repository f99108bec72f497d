"""Locust users for the load test (scripts/loadtest.py; `make bench` runs it on PostgreSQL).

Three kinds of users over the main pages (logged in as the demo organiser, secretary and county
admin) and one kind calling the API with a key (LOADTEST_API_KEY). Loopback only.
"""
import os
import re

from locust import HttpUser, between, task

PASSWORD = "yanshi2026"


class PageUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    username = "demo_organiser"

    def on_start(self):
        page = self.client.get("/accounts/login/", name="登录页")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post("/accounts/login/", {"username": self.username, "password": PASSWORD,
                                              "csrfmiddlewaretoken": token.group(1) if token else ""},
                         headers={"Referer": self.host + "/accounts/login/"}, name="登录")

    @task(3)
    def home(self):
        self.client.get("/", name="首页")

    @task(3)
    def members(self):
        self.client.get("/register/members/", name="党员名册")

    @task(2)
    def orglife(self):
        self.client.get("/orglife/", name="组织生活")

    @task(1)
    def stats(self):
        self.client.get("/stats/", name="统计分析")

    @task(1)
    def jobs(self):
        self.client.get("/jobs/", name="我的任务")


class Organiser(PageUser):
    weight = 3
    username = "demo_organiser"


class Secretary(PageUser):
    weight = 3
    username = "demo_secretary"


class CountyAdmin(PageUser):
    weight = 1
    username = "demo_admin"


class ApiClient(HttpUser):
    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self):
        self.client.headers["Authorization"] = f"Api-Key {os.environ['LOADTEST_API_KEY']}"

    @task(3)
    def members(self):
        self.client.get("/api/v1/register/members/?page_size=50", name="API 党员列表")

    @task(2)
    def organizations(self):
        self.client.get("/api/v1/register/organizations/", name="API 党组织列表")

    @task(2)
    def activities(self):
        self.client.get("/api/v1/orglife/activities/", name="API 组织生活列表")

    @task(1)
    def party_stats(self):
        self.client.get("/api/v1/stats/party-stats/", name="API party_stats")
