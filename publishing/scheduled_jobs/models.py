"""One row per run of a scheduled job: what it did, how long, whether it failed."""

from __future__ import annotations

from django.db import models


class JobRunQuerySet(models.QuerySet):
    def succeeded(self):
        return self.filter(status=JobRun.Status.SUCCEEDED)

    def failed(self):
        return self.filter(status=JobRun.Status.FAILED)


class JobRun(models.Model):
    """A run of ``job`` for the schedule slot ``slot`` (unique: a slot runs once)."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=64)
    slot = models.DateTimeField(help_text="The scheduled time this run is for")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    attempts = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="What the run did, or the error")
    school_problems = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why the run failed for each school it failed for, by site id: "
        "what each school's staff are shown (the outcome is the installation's)",
    )

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")
        ]
        indexes = [models.Index(fields=["job", "-slot"])]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at
