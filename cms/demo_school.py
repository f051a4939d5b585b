"""The demo school, Meadowbank Primary: content and staff sign-ins for `make run`.

The demo content is created *published directly* (``revision.publish()``): it is seed
data for an empty install, not staff work, so it does not pass through the moderation
workflow (two-person approval, P1) that real posts take. Every picture is drawn with
Pillow (no downloads, no real children's photographs: C1, C2).

Loading is idempotent: each object is found by a natural key (slug, username, title
and date) and created only when missing, so a second run adds nothing.
"""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from schools.models import School

from .demo_pictures import draw_demo_picture, draw_newsletter_pdf
from .demo_welsh import demo_welsh_load
from .models import (
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    NoticeIndexPage,
    NoticePage,
    SchoolDocument,
    SchoolImage,
    SocialMediaPage,
    StandardPage,
    TermDate,
)
from .statutory.demo import demo_statutory_load

logger = logging.getLogger(__name__)

SCHOOL_NAME = "Meadowbank Primary School"
DEMO_PASSWORD = "school-demo-2026"  # noqa: S105 (documented demo sign-in, never production)
PRODUCTION_SETTINGS = "config.settings.production"

# The shared role-group names (moderation/roles.py). Written out, not imported:
# cms never imports moderation (ARCHITECTURE.md).
DEMO_STAFF = (
    ("editor", "Emma", "Edwards", ("Editors",)),
    ("approver", "Aled", "Price", ("Approvers",)),
    ("head", "Helen", "Morgan", ("Senior leadership", "Approvers", "Headteacher")),
    ("dsl", "Dafydd", "Lewis", ("Safeguarding",)),
)
DEMO_SUPERUSER = "admin"


def _school_collection():
    """The default school's collection, where its staff may see and use media."""
    return School.objects.get(site__is_default_site=True).collection


class DemoRefused(Exception):
    """The demo school must never be loaded into a production database."""


@dataclass
class DemoSummary:
    """What one run of the loader created (empty lists on a second run)."""

    created_pages: list[str] = field(default_factory=list)
    created_users: list[str] = field(default_factory=list)
    created_term_dates: int = 0
    skipped: bool = False


def ensure_not_production() -> None:
    """Refuse to run under the production settings: demo users have a known password."""
    if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS:
        raise DemoRefused(
            "The demo school has staff sign-ins with a published password and must "
            "not be loaded with production settings "
            f"(DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS}). Use config.settings.dev."
        )


def ensure_not_production_command() -> None:
    """`ensure_not_production` for a demo loading command: a refusal is its error."""
    try:
        ensure_not_production()
    except DemoRefused as refused:
        raise CommandError(str(refused)) from refused


def _weekday_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _weekday_on_or_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _monday_of_week(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _week(monday: datetime.date) -> tuple[datetime.date, datetime.date]:
    return monday, monday + datetime.timedelta(days=4)


def school_year_dates(*, today: datetime.date) -> list[dict]:
    """Term dates for the school year (September to July) that contains ``today``."""
    year = today.year if today.month >= 8 else today.year - 1
    date = datetime.date
    kind = TermDate.Kind
    autumn = _weekday_on_or_after(date(year, 9, 3))
    autumn_end = _weekday_on_or_before(date(year, 12, 18))
    spring = _weekday_on_or_after(date(year + 1, 1, 5))
    spring_end = _weekday_on_or_before(date(year + 1, 3, 27))
    summer = _weekday_on_or_after(date(year + 1, 4, 13))
    one_day = datetime.timedelta(days=1)
    rows = [
        ("INSET day", kind.INSET, _weekday_on_or_before(autumn - one_day),
         None, "Staff training: school is closed to pupils."),
        ("Autumn term", kind.TERM, autumn, autumn_end, ""),
        ("Christmas holiday", kind.HOLIDAY, autumn_end + one_day, spring - one_day, ""),
        ("Harvest festival", kind.EVENT, _weekday_on_or_after(date(year, 10, 3)), None,
         "Bring a tin or packet for the food bank; families welcome at 2pm."),
        ("October half term", kind.HOLIDAY, *_week(_monday_of_week(date(year, 10, 27))),
         "School is closed for the week."),
        ("Parents' evening", kind.EVENT, _weekday_on_or_after(date(year, 11, 12)), None,
         "Book a ten-minute slot with your child's teacher through the office."),
        ("Christmas concert", kind.EVENT, _weekday_on_or_before(date(year, 12, 16)),
         None, "Infants at 1:30pm, juniors at 6pm, in the school hall."),
        ("Spring term", kind.TERM, spring, spring_end, ""),
        ("Easter holiday", kind.HOLIDAY, spring_end + one_day, summer - one_day, ""),
        ("February half term", kind.HOLIDAY,
         *_week(_monday_of_week(date(year + 1, 2, 16))), ""),
        ("World Book Day", kind.EVENT, _weekday_on_or_after(date(year + 1, 3, 5)), None,
         "Come dressed as a character from a favourite book."),
        ("Summer term", kind.TERM, summer,
         _weekday_on_or_before(date(year + 1, 7, 21)), ""),
        ("May half term", kind.HOLIDAY, *_week(_monday_of_week(date(year + 1, 5, 25))),
         ""),
        ("Sports day", kind.EVENT, _weekday_on_or_after(date(year + 1, 6, 18)), None,
         "On the school field from 1pm; bring a water bottle, a sun hat and a cheer."),
        ("Summer fair", kind.EVENT, _weekday_on_or_after(date(year + 1, 7, 3)), None,
         "Run by the Friends of Meadowbank, 3:15pm to 5pm."),
    ]  # fmt: skip
    return [
        {"title": title, "kind": k, "starts_on": start, "ends_on": end, "details": text}
        for title, k, start, end, text in rows
    ]


# (title, scene, categories, summary, paragraphs, quote)
NEWS = (
    ("Sports day success on the top field", "field", ("Sport",),
     "Every class ran, jumped and cheered their way through a sunny sports day.",
     ("Thank you to every family who came to cheer. The egg-and-spoon race was as "
      "close as ever, and Year 6 won the relay by a whisker.",
      "Results for each house are on the hall noticeboard."),
     ("The best afternoon of the year.", "Mr Hughes, PE lead")),
    ("Our new library opens", "books", ("Whole school",),
     "The refurbished library has 600 new books, chosen with the School Council.",
     ("Classes will visit every week, and the library is open at lunchtime for "
      "quiet reading.",), None),
    ("Year 3 plant the wildlife garden", "garden", ("Science", "Community"),
     "Year 3 planted wildflowers and built a bug hotel by the pond.",
     ("The garden will be in flower by the summer term. Thank you to the local "
      "garden centre for the seeds.",), None),
    ("Snow day: how we tell you the school is closed", "snow", ("Whole school",),
     "When snow closes the school, we post a pinned notice here first, by 7am.",
     ("We also send a text message to every family. Please do not ring the office "
      "on a snow morning: the notice on the website is always up to date.",), None),
    ("Science week: fizzing, floating and flying", "science", ("Science",),
     "Every class carried out an experiment and shared the results in assembly.",
     ("Year 5's rockets reached the height of the school roof.",),
     ("I didn't know vinegar could do that!", "A Year 2 scientist")),
    ("Choir sings at the town Christmas lights", "music", ("Arts", "Community"),
     "The school choir opened the town's Christmas lights evening.",
     ("Forty singers performed three carols in English and Welsh.",), None),
    ("Art exhibition in the school hall", "art", ("Arts",),
     "Paintings, collages and clay models from every class are on show.",
     ("The exhibition is open to families after school all week.",), None),
    ("Year 4 trip to the seaside", "beach", ("Trips",),
     "Year 4 studied rock pools and coastal erosion on their geography trip.",
     ("The coach leaves at 8:45am and returns by 3:15pm. Please send a packed "
      "lunch and a waterproof coat.",), None),
    ("Stargazing evening with the astronomy society", "stars", ("Science",
     "Community"),
     "Families joined the local astronomy society to look at the moon and Jupiter.",
     ("Thank you to the society for bringing four telescopes.",), None),
    ("Harvest festival collection for the food bank", "harvest", ("Community",),
     "Our harvest collection filled the food bank's van twice over.",
     ("The food bank has written to thank every family who gave.",), None),
    ("Cross-country team reach the county finals", "field", ("Sport",),
     "Eight runners from Years 5 and 6 qualified for the county finals.",
     ("Training is on Tuesdays after school.",), None),
    ("Book week: our favourite stories", "books", ("Arts", "Whole school"),
     "A visiting author led workshops for every year group.",
     ("Each class wrote a story together; the stories are in the library.",), None),
    ("Eco-Schools green flag awarded", "garden", ("Community", "Whole school"),
     "The Eco Committee's work on recycling and energy earned the green flag.",
     ("Recycling bins are now in every classroom.",), None),
    ("Winter coats and wellies reminder", "snow", ("Whole school",),
     "Please send a warm coat and wellies: we play outside in all weathers.",
     ("Please label everything with your child's name.",), None),
    ("Coding club builds a weather station", "science", ("Science",),
     "Coding club programmed a weather station that reports to the classroom.",
     ("Readings are shown on the screen in the entrance hall.",), None),
    ("Music lessons: new places available", "music", ("Arts",),
     "There are new places for violin, guitar and drum lessons this term.",
     ("Ask at the office for a form.",), None),
    ("Reception's first term", "art", ("Whole school",),
     "Our youngest pupils have settled in beautifully.",
     ("Thank you to the parents who helped with the autumn walk.",), None),
    ("Rock pool survey results", "beach", ("Science", "Trips"),
     "Year 4 counted 14 species in the rock pools and reported back to the trust.",
     ("The full survey is on display in the Year 4 corridor.",), None),
    ("Night sky homework project", "stars", ("Science",),
     "Year 6 kept a moon diary for a month.",
     ("The best diaries will go to the astronomy society's show.",), None),
    ("Thank you from the Friends of Meadowbank", "harvest", ("Community",),
     "The autumn fair raised money for new playground equipment.",
     ("The new climbing frame will be installed over the half-term holiday.",),
     None),
)  # fmt: skip

NEWSLETTER_LINES = [
    "Welcome back to the new term.",
    "Please check the term dates on the website.",
    "Raise any concern with the school office,",
    "not on social media.",
]


class DemoSchoolLoader:
    """Creates the demo school's pages, pictures, dates and staff, each only once."""

    def __init__(self, *, today: datetime.date, now: datetime.datetime) -> None:
        self.today = today
        self.now = now
        self.summary = DemoSummary()

    # -- pages -----------------------------------------------------------------------
    def _publish(self, page: Page) -> None:
        page.save_revision().publish()

    def _child(self, parent: Page, model: type[Page], *, slug: str, **fields) -> Page:
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None:
            return existing
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        self._publish(page)
        self.summary.created_pages.append(page.title)
        return page

    def _picture(self, *, title: str, scene: str, seed: int) -> SchoolImage:
        existing = SchoolImage.objects.filter(title=title).first()
        if existing is not None:
            return existing
        image = SchoolImage(
            title=title,
            description=f"A drawing of a {scene} scene for the story “{title}”.",
            copyright_holder=SCHOOL_NAME,
            credit=f"Illustration: {SCHOOL_NAME}",
            no_identifiable_learners=True,  # drawn scenes: nobody is pictured
            collection=_school_collection(),
            file=ImageFile(
                io.BytesIO(draw_demo_picture(scene=scene, seed=seed)),
                name=f"demo-{scene}-{seed}.jpg",
            ),
        )
        image.save()
        return image

    def _newsletter(self) -> SchoolDocument:
        title = "Autumn newsletter"
        existing = SchoolDocument.objects.filter(title=title).first()
        if existing is not None:
            return existing
        document = SchoolDocument(
            title=title,
            no_identifiable_learners=True,
            collection=_school_collection(),
        )
        document.file.save(
            "autumn-newsletter.pdf",
            ContentFile(draw_newsletter_pdf(title=title, lines=NEWSLETTER_LINES)),
            save=False,
        )
        document.save()
        return document

    def load_home(self) -> Page:
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        if not site.site_name:
            site.site_name = SCHOOL_NAME
            url = urlsplit(settings.SITE_URL)
            if site.hostname == "localhost" and site.port == 80 and url.hostname:
                # Still the migration's placeholder: page links follow SITE_URL.
                site.hostname = url.hostname
                site.port = url.port or (443 if url.scheme == "https" else 80)
            site.save()
        if not home.office_phone:
            home.title = SCHOOL_NAME
            home.welcome = (
                "<p>Meadowbank is a friendly village primary school for children aged "
                "3 to 11. News, notices and term dates are always here first.</p>"
            )
            home.office_phone = "01234 567 890"
            home.office_email = "office@meadowbank.school.example"
            home.address = "Meadowbank Primary School\nSchool Lane\nMeadowbank\nAB1 2CD"
            self._publish(home)
        return home

    def load_statutory_information(self, home: Page) -> None:
        pages = {
            page.slug: page for page in StandardPage.objects.child_of(home).specific()
        }
        demo_statutory_load(self, home=home, pages=pages)

    def load_pages(self, home: Page) -> tuple[NewsIndexPage, NoticeIndexPage]:
        news_index = self._child(
            home, NewsIndexPage, slug="news", title="News", show_in_menus=True,
            intro="<p>What our pupils and staff have been up to.</p>",
        )  # fmt: skip
        notices = self._child(
            home, NoticeIndexPage, slug="notices", title="Notices", show_in_menus=True,
            intro="<p>Closures, reminders and other notices for families.</p>",
        )  # fmt: skip
        self._child(
            home, StandardPage, slug="about-us", title="About our school",
            show_in_menus=True,
            intro="A village school where every child is known and valued.",
            body=[
                ("paragraph", "<p>Meadowbank has 210 pupils in seven classes, from "
                 "Reception to Year 6, and a nursery class each morning.</p>"),
                ("paragraph", "<h2>Our values</h2><p>Kindness, curiosity and "
                 "courage.</p>"),
            ],
        )  # fmt: skip
        self._child(
            home, StandardPage, slug="admissions", title="Admissions",
            show_in_menus=True,
            intro="How to apply for a place at Meadowbank.",
            body=[
                ("paragraph", "<p>Applications for Reception are made through the "
                 "local authority. Visits are welcome: please ring the office.</p>"),
                ("document", {"document": self._newsletter(), "title": ""}),
            ],
        )  # fmt: skip
        self._child(
            home, SocialMediaPage, slug="our-social-media", title="Our social media",
            show_in_menus=True,
            what_we_post=(
                "<p>We post news of school events, celebrations and reminders on "
                "our X and Facebook accounts. Everything we post is on this website "
                "first. We only show photographs of pupils whose parents have given "
                "consent, and we never give a pupil's full name with a photograph.</p>"
            ),
            when_monitored=(
                "<p>Our accounts are checked on school days between 8am and 5pm. "
                "They are not monitored in the evenings, at weekends or in the school "
                "holidays; we reply within one working day.</p>"
            ),
            raising_concerns=(
                "<p>Please do not raise a concern about a child, a member of staff "
                "or the school on social media. Contact the school office by "
                "telephone or email, or ask for an appointment; the headteacher will "
                "make sure your concern is heard.</p>"
            ),
        )  # fmt: skip
        return news_index, notices

    def load_news(self, news_index: NewsIndexPage) -> None:
        categories = {
            name: NewsCategory.objects.get_or_create(
                name=name, defaults={"slug": name.lower().replace(" ", "-")}
            )[0]
            for item in NEWS
            for name in item[2]
        }
        newsletter = self._newsletter()
        for number, (title, scene, names, summary, paragraphs, quote) in enumerate(
            NEWS
        ):
            slug = f"news-{number + 1:02d}"
            if NewsPage.objects.child_of(news_index).filter(slug=slug).exists():
                continue
            picture = self._picture(title=title, scene=scene, seed=number)
            detail = self._picture(
                title=f"{title} (detail)", scene=scene, seed=number + 100
            )
            body = [("paragraph", f"<p>{paragraphs[0]}</p>")]
            body.append(("image", {"image": detail, "caption": summary}))
            body += [("paragraph", f"<p>{text}</p>") for text in paragraphs[1:]]
            if quote:
                body.append(("quote", {"text": quote[0], "attribution": quote[1]}))
            if number == 0:
                body.append(("document", {"document": newsletter, "title": ""}))
            page = NewsPage(
                slug=slug,
                title=title,
                summary=summary,
                date=self.today - datetime.timedelta(days=4 * number + 1),
                listing_image=picture,
                body=body,
            )
            news_index.add_child(instance=page)
            page.categories.set([categories[name] for name in names])
            self._publish(page)
            self.summary.created_pages.append(title)

    def load_notices(self, notices: NoticeIndexPage) -> None:
        holiday = (
            TermDate.objects.filter(kind=TermDate.Kind.HOLIDAY, ends_on__gte=self.today)
            .order_by("starts_on")
            .first()
        )
        until = None
        title = "The school office is closed in the holidays"
        if holiday is not None:
            until = timezone.make_aware(
                datetime.datetime.combine(
                    holiday.last_day + datetime.timedelta(days=1), datetime.time(9)
                )
            )
            reopens = _weekday_on_or_after(holiday.last_day + datetime.timedelta(1))
            title = (
                f"{holiday.title}: school is closed from {holiday.starts_on:%A %-d %B} "
                f"and reopens on {reopens:%A %-d %B}"
            )
        self._child(
            notices, NoticePage, slug="holiday-closure", title=title,
            kind=NoticePage.Kind.HOLIDAY, pinned=True,
            valid_from=self.now - datetime.timedelta(days=1), valid_until=until,
            message=(
                "<p>The office and our social media accounts are not monitored during "
                "the holiday. For anything urgent about a child's safety, call 999 or "
                "the local authority's out-of-hours number.</p>"
            ),
        )  # fmt: skip
        self._child(
            notices, NoticePage, slug="flu-vaccinations", title="Flu vaccinations",
            kind=NoticePage.Kind.GENERAL,
            valid_from=self.now - datetime.timedelta(days=2),
            valid_until=self.now + datetime.timedelta(days=14),
            message="<p>The school nurse visits next week. Consent forms are due back "
            "on Monday.</p>",
        )  # fmt: skip
        self._child(
            notices, NoticePage, slug="lost-property", title="Lost property",
            kind=NoticePage.Kind.GENERAL,
            message="<p>Unclaimed lost property goes to the charity shop at the end "
            "of each half term. Please label uniform.</p>",
        )  # fmt: skip

    def load_term_dates(self) -> None:
        for row in school_year_dates(today=self.today):
            _, created = TermDate.objects.get_or_create(
                site=Site.objects.get(is_default_site=True),
                title=row["title"],
                starts_on=row["starts_on"],
                defaults=row,
            )
            self.summary.created_term_dates += int(created)

    def load_staff(self) -> None:
        user_model = get_user_model()
        for username, first, last, group_names in DEMO_STAFF:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@meadowbank.school.example",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                self.summary.created_users.append(username)
            for name in group_names:
                user.groups.add(Group.objects.get_or_create(name=name)[0])
        admin, created = user_model.objects.get_or_create(
            username=DEMO_SUPERUSER,
            defaults={
                "first_name": "Site",
                "last_name": "Administrator",
                "email": "admin@meadowbank.school.example",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
            self.summary.created_users.append(DEMO_SUPERUSER)


def demo_school_load(
    *,
    if_empty: bool = False,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> DemoSummary:
    """Load the demo school (idempotently) and return what was created.

    Args:
        if_empty: do nothing when any news already exists (what `make run` passes,
            so a school's own content is never mixed with the demo).
        today, now: the clock, for tests; default the real date and time.

    Raises:
        DemoRefused: under the production settings.
    """
    ensure_not_production()
    if if_empty and NewsPage.objects.exists():
        return DemoSummary(skipped=True)
    loader = DemoSchoolLoader(
        today=today or timezone.localdate(), now=now or timezone.now()
    )
    with transaction.atomic():
        home = loader.load_home()
        news_index, notices = loader.load_pages(home)
        loader.load_term_dates()
        loader.load_news(news_index)
        loader.load_notices(notices)
        loader.load_staff()
        loader.load_statutory_information(home)
        demo_welsh_load(home=home, news_index=news_index, notices=notices)
    logger.info(
        "Demo school loaded",
        extra={
            "event": "demo_school_loaded",
            "pages": len(loader.summary.created_pages),
            "users": len(loader.summary.created_users),
        },
    )
    return loader.summary
