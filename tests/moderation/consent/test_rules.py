"""The consent rule-set: each rule, for the website and for social accounts."""

import datetime

import pytest
from django.contrib.auth.models import Group

from moderation.consent.rules import (
    Channel,
    ConsentViolation,
    ensure_page_publishable,
    page_violations,
)
from moderation.roles import EDITORS, SAFEGUARDING
from tests.factories import (
    ConsentRecordFactory,
    DocumentFactory,
    LearnerFactory,
    NewsPageFactory,
    UserFactory,
    learner_with_consent,
    tagged_image,
    untagged_document,
    untagged_image,
)

pytestmark = pytest.mark.django_db
WEBSITE = Channel.website()


def news(news_index, **fields):
    return NewsPageFactory(parent=news_index, live=False, **fields)


def codes(violations):
    return [violation.code for violation in violations]


def image_body(image, caption=""):
    return [("image", {"image": image, "caption": caption})]


def test_page_with_consented_learner_and_declared_image_may_publish(news_index):
    amy = learner_with_consent(first_name="Amy", last_name="Smith")
    page = news(
        news_index,
        listing_image=tagged_image(amy),
        body=image_body(tagged_image(), "Our new library"),
    )
    assert page_violations(page, channel=WEBSITE) == []
    ensure_page_publishable(page, channel=WEBSITE)  # does not raise


def test_untagged_listing_image_is_refused(news_index):
    page = news(news_index, listing_image=untagged_image(title="Sports day"))
    violations = page_violations(page, channel=WEBSITE)
    assert codes(violations) == ["untagged"]
    assert 'Image "Sports day" is not tagged' in violations[0].message
    assert "no identifiable learners" in violations[0].message


def test_untagged_image_deep_in_the_body_is_refused(news_index):
    page = news(news_index, body=image_body(untagged_image(title="Choir")))
    assert codes(page_violations(page, channel=WEBSITE)) == ["untagged"]


def test_image_embedded_in_rich_text_is_checked(news_index):
    image = untagged_image(title="Trip")
    body = [
        (
            "paragraph",
            f'<p>Our trip</p><embed embedtype="image" format="fullwidth" '
            f'id="{image.pk}" alt="Trip"/>',
        )
    ]
    page = news(news_index, body=body)
    assert codes(page_violations(page, channel=WEBSITE)) == ["untagged"]


def test_document_linked_in_rich_text_and_in_a_block_are_checked(news_index):
    linked = untagged_document(title="Newsletter")
    block = DocumentFactory(title="Letter", no_identifiable_learners=True)
    body = [
        ("paragraph", f'<p>Read <a linktype="document" id="{linked.pk}">it</a></p>'),
        ("document", {"document": block, "title": ""}),
    ]
    violations = page_violations(news(news_index, body=body), channel=WEBSITE)
    assert codes(violations) == ["untagged"]
    assert 'Document "Newsletter"' in violations[0].message


def test_document_showing_a_learner_without_consent_is_refused(news_index):
    document = untagged_document(title="Newsletter")
    document.learners.set([LearnerFactory()])
    body = [("document", {"document": document, "title": ""})]
    page = news(news_index, body=body)
    assert codes(page_violations(page, channel=WEBSITE)) == ["no_consent"]


def test_learner_without_website_consent_is_refused(news_index):
    learner = learner_with_consent("closed_social")
    page = news(news_index, listing_image=tagged_image(learner, title="Art"))
    violations = page_violations(page, channel=WEBSITE)
    assert codes(violations) == ["no_consent"]
    assert "has no consent for the website" in violations[0].message


def test_withdrawn_consent_counts_not_the_first_answer(news_index):
    learner = learner_with_consent("website")
    ConsentRecordFactory(learner=learner, use="website", given=False)
    page = news(news_index, listing_image=tagged_image(learner))
    assert codes(page_violations(page, channel=WEBSITE)) == ["no_consent"]


def test_closed_account_needs_closed_social_consent(news_index):
    learner = learner_with_consent("website", "public_social")
    page = news(news_index, listing_image=tagged_image(learner))
    closed = Channel.social("Year 3 Facebook group", closed=True, text="Our week")
    assert codes(page_violations(page, channel=closed)) == ["no_consent"]


def test_public_account_needs_public_social_consent(news_index):
    learner = learner_with_consent("website", "closed_social")
    page = news(news_index, listing_image=tagged_image(learner))
    closed = Channel.social("Parents group", closed=True, text="Our week")
    public = Channel.social("School X", closed=False, text="Our week")
    assert page_violations(page, channel=closed) == []
    violations = page_violations(page, channel=public)
    assert codes(violations) == ["no_consent"]
    assert "public social media accounts" in violations[0].message
    assert "closed accounts" in violations[0].message  # C4 explained


def test_expired_consent_is_refused(news_index):
    learner = LearnerFactory()
    ConsentRecordFactory(
        learner=learner, use="website", expires_on=datetime.date(2026, 7, 31)
    )
    page = news(news_index, listing_image=tagged_image(learner))
    in_july = page_violations(page, channel=WEBSITE, on=datetime.date(2026, 7, 31))
    in_august = page_violations(page, channel=WEBSITE, on=datetime.date(2026, 8, 1))
    assert in_july == []
    assert codes(in_august) == ["consent_expired"]
    assert "expired on 31 July 2026" in in_august[0].message


def test_do_not_publish_beats_consent_and_never_shows_the_reason(news_index):
    learner = learner_with_consent(
        do_not_publish=True, do_not_publish_reason="Court order"
    )
    page = news(news_index, listing_image=tagged_image(learner))
    violations = page_violations(page, channel=WEBSITE)
    assert codes(violations) == ["do_not_publish"]
    assert "do-not-publish list" in violations[0].message
    assert "Court order" not in violations[0].message


def test_learner_who_has_left_is_refused(news_index):
    learner = learner_with_consent(left_on=datetime.date(2026, 7, 20))
    page = news(news_index, listing_image=tagged_image(learner))
    assert codes(
        page_violations(page, channel=WEBSITE, on=datetime.date(2026, 9, 1))
    ) == ["left"]


def test_staff_pictured_need_confirmed_consent(news_index):
    image = tagged_image(staff_pictured="Mr Jones")
    page = news(news_index, listing_image=image)
    assert codes(page_violations(page, channel=WEBSITE)) == ["staff_consent"]
    image.staff_consent_confirmed = True
    image.save()
    assert page_violations(page, channel=WEBSITE) == []


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Well done Amy Smith"),
        ("summary", "AMY SMITH won the race."),
        ("summary", "Amy Smith's painting won."),
        ("summary", "Amy Smith’s painting won."),
        ("caption", "Amy\n  Smith at the finish"),
        ("caption", "Amy<br>Smith"),
        ("paragraph", "<p>Well done <b>Amy</b> Smith!</p>"),
        ("paragraph", "<p>Well done Am<i>y</i> Smith!</p>"),
        ("paragraph", "<p>Well done Amy&nbsp;Smith!</p>"),
        ("image_title", "Amy Smith on sports day"),
        ("rich_text_alt", "Amy Smith on sports day"),
        ("image_description", "Amy Smith on sports day"),
    ],
)
def test_full_name_beside_the_photo_is_refused(news_index, field, text):
    amy = learner_with_consent(first_name="Amy", last_name="Smith")
    image = tagged_image(
        amy,
        title=text if field == "image_title" else "Sports",
        description=text if field == "image_description" else "",
    )
    fields = {"title": "Sports day", "summary": "A great day."}
    body = image_body(image, text if field == "caption" else "")
    if field in fields:
        fields[field] = text
    if field == "paragraph":
        body.append(("paragraph", text))
    if field == "rich_text_alt":
        embed = f'<embed embedtype="image" format="left" id="{image.pk}" alt="{text}"/>'
        body = [("paragraph", f"<p>Sports day</p>{embed}")]
    page = news(news_index, body=body, **fields)
    violations = page_violations(page, channel=WEBSITE)
    assert codes(violations) == ["full_name"]
    assert "first name and surname" in violations[0].message


def test_first_name_alone_or_another_smith_is_fine(news_index):
    """Another family's Smith far from Amy, and longer words, are not her name.

    (Issue 20: "Amy and Tom Smith" in one sentence now is: siblings share a name.)
    """
    amy = learner_with_consent(first_name="Amy", last_name="Smith")
    page = news(
        news_index,
        summary="Well done Amy Smithson and Amy, our fastest runners this year! "
        "Samy Smithson won the relay and Mr Smith's class cheered.",
        listing_image=tagged_image(amy),
    )
    assert page_violations(page, channel=WEBSITE) == []


def test_full_name_in_the_social_text_is_refused_only_for_that_channel(news_index):
    amy = learner_with_consent(first_name="Amy", last_name="Smith")
    page = news(news_index, listing_image=tagged_image(amy))
    named = Channel.social("Parents group", closed=True, text="Go Amy Smith!")
    plain = Channel.social("Parents group", closed=True, text="Go Amy!")
    assert codes(page_violations(page, channel=named)) == ["full_name"]
    assert page_violations(page, channel=plain) == []


def test_undeclared_video_is_refused(news_index):
    body = [("embed", {"embed": "https://www.youtube.com/watch?v=abc"})]
    violations = page_violations(news(news_index, body=body), channel=WEBSITE)
    assert codes(violations) == ["untagged"]
    assert "Video https://www.youtube.com/watch?v=abc" in violations[0].message


def test_video_declarations_are_checked_like_photos(news_index):
    with_consent = learner_with_consent()
    without = LearnerFactory()
    url = "https://www.youtube.com/watch?v=abc"
    none_shown = {"embed": url, "learners_shown": "none", "learners": []}
    shown = {"embed": url, "learners_shown": "learners", "learners": [with_consent]}
    bad = {"embed": url, "learners_shown": "learners", "learners": [without]}
    empty = {"embed": url, "learners_shown": "learners", "learners": []}

    def check(value):
        page = news(news_index, body=[("embed", value)])
        return codes(page_violations(page, channel=WEBSITE))

    assert check(none_shown) == []
    assert check(shown) == []
    assert check(bad) == ["no_consent"]
    assert check(empty) == ["untagged"]


def test_withdrawn_image_cannot_be_published_again(news_index):
    image = tagged_image(title="Trip")
    image.consent_withdrawn_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    image.save()
    violations = page_violations(news(news_index, listing_image=image), channel=WEBSITE)
    assert codes(violations) == ["withdrawn"]


def test_learners_named_in_full_only_to_staff_who_may_see_the_register(news_index):
    learner = LearnerFactory(first_name="Amy", last_name="Smith")
    page = news(news_index, listing_image=tagged_image(learner))
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITORS))
    dsl = UserFactory()
    dsl.groups.add(Group.objects.get(name=SAFEGUARDING))
    [for_editor] = page_violations(page, channel=WEBSITE, viewer=editor)
    [for_dsl] = page_violations(page, channel=WEBSITE, viewer=dsl)
    assert "A.S." in for_editor.message
    assert "Amy" not in for_editor.message
    assert "Amy Smith" in for_dsl.message


def test_every_violation_is_listed_once(news_index):
    no_consent = LearnerFactory(first_name="Tom", last_name="Jones")
    page = news(
        news_index,
        title="Tom Jones sings",
        listing_image=tagged_image(no_consent, title="Choir 1"),
        body=image_body(untagged_image(title="Hall"))
        + image_body(tagged_image(no_consent, title="Choir 2"))
        + image_body(tagged_image(no_consent, title="Choir 1")),
    )
    violations = page_violations(page, channel=WEBSITE)
    assert sorted(codes(violations)) == [
        "full_name",
        "no_consent",
        "no_consent",
        "untagged",
    ]
    with pytest.raises(ConsentViolation) as refused:
        ensure_page_publishable(page, channel=WEBSITE)
    assert refused.value.violations == violations


def test_the_check_asks_the_database_as_often_for_a_class_as_for_a_school(
    news_index,
):
    """Issue 22: the same queries whether a page pictures 2 learners or 60.

    A gallery of the whole school must not cost a query per photo or per learner;
    the check reads items, who is in them, their tags and the learners' consent in a
    fixed number of queries. Both pages also carry a document and a video, and one
    learner on each has no consent, so every kind of read is made.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_picturing(photos: int, per_photo: int):
        body = []
        for _ in range(photos):
            learners = [learner_with_consent() for _ in range(per_photo)]
            image = tagged_image(*learners)
            image.tags.add("sports day", "year 4")
            body += image_body(image, "At the finish line")
        document = DocumentFactory(no_identifiable_learners=False)
        document.learners.set([learner_with_consent(), LearnerFactory()])
        body.append(("document", {"document": document, "title": "Programme"}))
        body.append(
            (
                "embed",
                {
                    "embed": "https://www.youtube.com/watch?v=abc",
                    "learners_shown": "learners",
                    "learners": [learner_with_consent()],
                },
            )
        )
        return news(news_index, body=body)

    small, large = page_picturing(1, 2), page_picturing(12, 5)
    counts, found = [], []
    for page in (small, large):
        with CaptureQueriesContext(connection) as queries:
            found.append(codes(page_violations(page, channel=WEBSITE)))
        counts.append(len(queries))
    assert found == [["no_consent"], ["no_consent"]]
    assert counts[0] == counts[1]
