"""Coordinators at work, for bench/load.py: the start page, an agreement, its action plan,
and now and then a row saved through the same form a person uses."""

import os
import random
import re

from htmlform import form_fields
from locust import HttpUser, between, task

USERNAME, PASSWORD = "samordnare.strangnas", "samverkan-demo"
# bench/load.py finds the Strängnäs agreement and its plan and passes their addresses.
AGREEMENT = os.environ.get("BENCH_AGREEMENT", "/overenskommelser/4/")
PLAN = os.environ.get("BENCH_PLAN", AGREEMENT + "handlingsplaner/5/")


class Coordinator(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        page = self.client.get("/konto/logga-in/", name="login").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.client.post(
            "/konto/logga-in/",
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
        )
        plan = self.client.get(PLAN, name="plan page").text
        self.rows = sorted(set(re.findall(r"rader/(\d+)/redigera/", plan)))

    @task(3)
    def start_page(self):
        self.client.get("/", name="start page")

    @task(3)
    def agreement_page(self):
        self.client.get(AGREEMENT, name="agreement page")

    @task(3)
    def plan_page(self):
        self.client.get(PLAN, name="plan page")

    @task(1)
    def save_row(self):
        url = f"{PLAN}rader/{random.choice(self.rows)}/redigera/"  # noqa: S311 - not a secret
        form = self.client.get(url, headers={"HX-Request": "true"}, name="row form").text
        fields = form_fields(form)
        fields["when_text"] = f"Varje vecka ({random.randint(1, 10**6)})"  # noqa: S311
        with self.client.post(
            url, fields, name="row save", allow_redirects=False, catch_response=True
        ) as response:
            # Saved (a redirect back to the row) or a conflict shown side by side: both are
            # answers; anything else is a failure.
            if response.status_code == 302 or (
                response.status_code == 200 and "row-conflict" in response.text
            ):
                response.success()
            else:
                response.failure(f"neither saved nor a conflict: {response.status_code}")
