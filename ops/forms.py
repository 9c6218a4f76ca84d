from datetime import timedelta

from django import forms
from django.db.models import QuerySet
from procrastinate.contrib.django.models import ProcrastinateJob

from ops import jobs

AGES = {
    "": None,
    "5m": timedelta(minutes=5),
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
}


class JobFilterForm(forms.Form):
    queue = forms.CharField(required=False, max_length=128)
    task = forms.CharField(required=False, max_length=128)
    status = forms.ChoiceField(
        required=False, choices=[("", "any status"), *((s, s) for s in jobs.STATUSES)]
    )
    age = forms.ChoiceField(
        required=False,
        label="Older than",
        choices=[
            ("", "any age"),
            ("5m", "5 minutes"),
            ("1h", "1 hour"),
            ("1d", "1 day"),
            ("7d", "7 days"),
        ],
    )

    def jobs(self) -> QuerySet[ProcrastinateJob]:
        data = self.cleaned_data
        return jobs.matching_jobs(
            queue=data["queue"],
            task=data["task"],
            status=data["status"],
            older_than=AGES[data["age"]],
        )


class QueueForm(forms.Form):
    queue = forms.CharField(max_length=128)
