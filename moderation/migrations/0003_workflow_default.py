"""The site's one workflow: consent check, then two-person approval (P1).

Replaces Wagtail's default "Moderators approval" workflow on the root page, so every
page uses this one. A senior-leadership step is included; it runs only for the page
types in MODERATION_SENIOR_APPROVAL_PAGE_TYPES and is skipped for the rest.
"""

from django.db import migrations

WORKFLOW_NAME = "Two-person approval"


def _content_type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="moderation", model=model)
    return content_type


def create_default_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ConsentCheckTask = apps.get_model("moderation", "ConsentCheckTask")
    ApprovalTask = apps.get_model("moderation", "ApprovalTask")

    consent = ConsentCheckTask.objects.create(
        name="Consent check", content_type=_content_type(apps, "consentchecktask")
    )
    approval = ApprovalTask.objects.create(
        name="Approval by an approver",
        content_type=_content_type(apps, "approvaltask"),
    )
    approval.groups.set([Group.objects.get(name="Approvers")])
    senior = ApprovalTask.objects.create(
        name="Senior leadership approval (sensitive content)",
        content_type=_content_type(apps, "approvaltask"),
        sensitive_content_only=True,
    )
    senior.groups.set([Group.objects.get(name="Senior leadership")])

    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    for order, task in enumerate((consent, approval, senior)):
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)

    # Wagtail's "Moderators approval" lets the author approve their own page: retire it.
    plain = Workflow.objects.filter(
        workflow_tasks__task__in=GroupApprovalTask.objects.all()
    ).distinct()
    WorkflowPage.objects.filter(workflow__in=plain).delete()
    Workflow.objects.filter(pk__in=plain.values("pk")).update(active=False)
    GroupApprovalTask.objects.update(active=False)

    for root in Page.objects.filter(depth=1):
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def remove_default_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    Task.objects.filter(content_type__app_label="moderation").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_workflow_tasks"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_default_workflow, remove_default_workflow)]
