"""The demo school's statutory information: some items met, one due soon, one broken.

Meadowbank is an English community primary school. Its contact details, admissions
and values are linked and reviewed; its SEN information report is due its yearly
review within a fortnight (owned by the editor, so it is on her dashboard); its
behaviour policy links to a page that was never published (a broken link); the
public "Statutory information" page is linked from every page's footer.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from .models import (
    SchoolType,
    StatutoryInformationPage,
    StatutoryRecord,
    StatutoryRequirement,
    StatutorySettings,
)


def demo_statutory_load(loader, *, home, pages: dict) -> None:
    """``pages``: the demo's StandardPages by slug; ``loader`` makes pages once."""
    from cms.models import StandardPage

    site = home.get_site()
    settings = StatutorySettings.for_site(site)
    if settings.school_type:
        return
    settings.school_type = SchoolType.MAINTAINED_LA
    settings.save()
    loader._child(
        home, StatutoryInformationPage, slug="statutory-information",
        title="Statutory information",
        intro="<p>The information every school must publish, in one place. Ask the "
        "school office for a free paper copy of any of it.</p>",
    )  # fmt: skip
    send = loader._child(
        home, StandardPage, slug="special-educational-needs",
        title="Special educational needs",
        intro="How we support pupils with special educational needs.",
    )  # fmt: skip
    behaviour = StandardPage.objects.child_of(home).filter(slug="behaviour").first()
    if behaviour is None:
        behaviour = StandardPage(
            slug="behaviour", title="Behaviour policy", live=False,
            intro="Our behaviour policy (being rewritten).",
        )  # fmt: skip
        home.add_child(instance=behaviour)
        behaviour.save_revision()
    users = get_user_model().objects
    head, editor = users.get(username="head"), users.get(username="editor")

    def days_ago(days: int) -> datetime.date:
        return loader.today - datetime.timedelta(days=days)

    linked = {
        "contact_details": (home, head, days_ago(40)),
        "admissions_la_pointer": (pages["admissions"], head, days_ago(60)),
        "values_ethos": (pages["about-us"], head, days_ago(20)),
        "send_report": (send, editor, days_ago(352)),  # due within a fortnight
        "behaviour_policy": (behaviour, head, None),  # never published: broken
    }
    for key, (page, owner, reviewed) in linked.items():
        StatutoryRecord.objects.get_or_create(
            site=site,
            requirement=StatutoryRequirement.objects.get(key=key),
            defaults={
                "page": page,
                "linked": StatutoryRecord.LINK_PAGE,
                "owner": owner,
                "last_reviewed": reviewed,
            },
        )
