"""The demo school in Welsh and English, as a school in Wales publishes (issue 27).

``make run`` loads Meadowbank as a bilingual school, Welsh first: its Welsh name, the
home page, the news and notices pages, the first stories and the notices in Welsh,
under ``/cy/``, so a newcomer can press "Cymraeg" on the public site and stay on the
same item. One story waits for approval with its Welsh version (sent by the demo
editor), so the approver's review screen shows the pair side by side.

Like the rest of the demo, the translations are seed data published directly; the
story waiting for approval takes the real workflow. Loading is idempotent: each
translation is made only when the page has none in Welsh.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site

from .languages import WELSH, SchoolLanguages
from .models import NewsIndexPage, NewsPage, NoticeIndexPage, NoticePage

WELSH_NAME = "Ysgol Gynradd Glan-y-Ddôl"

#: The Welsh of the first stories (by slug): title, summary, first paragraph.
WELSH_NEWS = {
    "news-01": (
        "Diwrnod mabolgampau llwyddiannus ar y cae uchaf",
        "Rhedodd, neidiodd a bloeddiodd pob dosbarth drwy ddiwrnod mabolgampau heulog.",
        "Diolch i bob teulu a ddaeth i gefnogi. Roedd ras yr wy a'r llwy mor agos "
        "ag erioed.",
    ),
    "news-02": (
        "Ein llyfrgell newydd yn agor",
        "Mae gan y llyfrgell ar ei newydd wedd 600 o lyfrau newydd, a ddewiswyd "
        "gyda Chyngor yr Ysgol.",
        "Bydd dosbarthiadau'n ymweld bob wythnos, ac mae'r llyfrgell ar agor amser "
        "cinio ar gyfer darllen tawel.",
    ),
}
WELSH_NOTICES = {
    "flu-vaccinations": (
        "Brechiadau ffliw",
        "<p>Bydd nyrs yr ysgol yn ymweld yr wythnos nesaf. Dylid dychwelyd y "
        "ffurflenni caniatâd ddydd Llun.</p>",
    ),
    "lost-property": (
        "Eiddo coll",
        "<p>Mae eiddo coll heb ei hawlio yn mynd i'r siop elusen ar ddiwedd pob "
        "hanner tymor. Rhowch enwau ar wisg ysgol os gwelwch yn dda.</p>",
    ),
}

#: The story that waits for approval in both languages.
PAIRED_SLUG = "eisteddfod"
PAIRED_ENGLISH = (
    "School eisteddfod on Friday",
    "Every class will sing, recite and dance on St David's Day.",
)
PAIRED_WELSH = (
    "Eisteddfod yr ysgol ddydd Gwener",
    "Bydd pob dosbarth yn canu, yn adrodd ac yn dawnsio ar Ddydd Gŵyl Dewi.",
)


def _welsh_version(page: Page, locale: Locale, **fields) -> Page:
    """``page``'s Welsh translation, made and published if it has none yet."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translation = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


def _paired_review(news_index: NewsIndexPage, locale: Locale) -> None:
    """A story and its Welsh version, submitted by the demo editor for approval."""
    if NewsPage.objects.child_of(news_index).filter(slug=PAIRED_SLUG).exists():
        return
    editor = get_user_model().objects.get(username="editor")
    story = NewsPage(
        slug=PAIRED_SLUG,
        title=PAIRED_ENGLISH[0],
        summary=PAIRED_ENGLISH[1],
        live=False,
        owner=editor,
    )
    news_index.add_child(instance=story)
    story.save_revision(user=editor)
    welsh = story.copy_for_translation(locale)
    welsh.title, welsh.summary = PAIRED_WELSH
    NewsPage.objects.filter(pk=welsh.pk).update(title=welsh.title)
    welsh.save_revision(user=editor)
    workflow = story.get_workflow()
    if workflow is not None:
        workflow.start(story, editor)


def demo_welsh_load(
    *, home: Page, news_index: NewsIndexPage, notices: NoticeIndexPage
) -> None:
    """Make the demo school bilingual, Welsh first, with its Welsh pages."""
    site = Site.objects.get(is_default_site=True)
    SchoolLanguages.objects.update_or_create(
        site=site,
        defaults={
            "languages": SchoolLanguages.Choice.WELSH_AND_ENGLISH,
            "welsh_first": True,
            "welsh_name": WELSH_NAME,
        },
    )
    locale, _created = Locale.objects.get_or_create(language_code=WELSH)
    _welsh_version(
        home,
        locale,
        title=WELSH_NAME,
        welcome=(
            "<p>Mae Glan-y-Ddôl yn ysgol gynradd gyfeillgar i blant 3 i 11 oed. "
            "Mae newyddion, hysbysiadau a dyddiadau'r tymor yma gyntaf bob amser.</p>"
        ),
    )
    _welsh_version(news_index, locale, title="Newyddion", slug="newyddion")
    _welsh_version(notices, locale, title="Hysbysiadau", slug="hysbysiadau")
    for slug, (title, summary, paragraph) in WELSH_NEWS.items():
        story = NewsPage.objects.child_of(news_index).filter(slug=slug).first()
        if story is not None:
            _welsh_version(
                story,
                locale,
                title=title,
                summary=summary,
                body=[("paragraph", f"<p>{paragraph}</p>")],
            )
    for slug, (title, message) in WELSH_NOTICES.items():
        notice = NoticePage.objects.child_of(notices).filter(slug=slug).first()
        if notice is not None:
            _welsh_version(notice, locale, title=title, message=message)
    _paired_review(news_index, locale)
