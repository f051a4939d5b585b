"""A withdrawal completes on the site at once, whatever the storage or the CDN does;
what they have not done is retried and shown on the dashboard until done (issue 23).

Real parts: moto's S3 server on loopback through django-storages and boto3; the CDN
emulator through Wagtail's backends (HTTP PURGE and Cloudflare's API); CloudFront
through boto3 against moto; a real rq worker on the real Redis.
"""

from __future__ import annotations

import datetime

import django_rq
import pytest
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone
from rq import SimpleWorker

from cms.cdn_backends import CdnPurgeFailed, CloudFrontPurgeBackend
from cms.media_removals import MediaRemoval, removals_retry_due
from cms.models import SchoolImage
from cms.public_copy_gate import public_copy
from emulators.cdn import DEMO_CLOUDFLARE_TOKEN, DEMO_CLOUDFLARE_ZONE
from moderation.consent.services import consent_record
from moderation.workflow.scheduled_go_live import pages_publish_scheduled
from tests.factories import (
    NewsPageFactory,
    UserFactory,
    learner_with_consent,
    tagged_image,
)
from tests.s3_server import s3_server
from tests.school_site import build_school_site
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db
PANEL_HEADING = "Withdrawn pictures still being cleared"


def run_default_queue() -> None:
    queue = django_rq.get_queue("default")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def publish_photo(home_page, capture):
    school = build_school_site(home_page)
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    photo = tagged_image(amy, title="Sports day")
    post = NewsPageFactory(
        parent=school.news_index,
        title="Sports day",
        slug="sports-day",
        listing_image=photo,
        body=[("image", {"image": photo, "caption": "On the field"})],
        live=False,
    )
    with capture(execute=True):
        post.save_revision().publish()
    photo = SchoolImage.objects.get(pk=photo.pk)
    names = [copy["name"] for copy in photo.public_files["files"].values()]
    assert names  # the control: it is public
    return amy, photo, post, names


def withdraw(amy, capture) -> None:
    with capture(execute=True):
        consent_record(
            learner=amy,
            use="website",
            given=False,
            given_on=timezone.localdate(),
            recorded_by="Office",
        )


def gate_status(name: str) -> int:
    request = RequestFactory().get(settings.PUBLIC_MEDIA_URL + name)
    try:
        return public_copy(request, name=name).status_code
    except Http404:
        return 404


def dashboard(client) -> str:
    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    return client.get("/admin/").content.decode()


def retry_when_due(kind: str) -> None:
    """What the per-minute job does, at the time the next try is due."""
    removal = MediaRemoval.objects.outstanding().get(kind=kind)
    removals_retry_due(now=removal.next_attempt_at + datetime.timedelta(seconds=1))


@pytest.fixture
def s3(settings):
    with s3_server("school-private", "school-public") as server:
        settings.MEDIA_STORAGE = "s3"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "cms.storage.SiteAddressS3Storage",
                "OPTIONS": {
                    **server.storage_options(bucket="school-private", location="media"),
                    "public_url": settings.MEDIA_URL,
                },
            },
            "public_media": {
                "BACKEND": "cms.storage.SiteAddressS3Storage",
                "OPTIONS": {
                    **server.storage_options(bucket="school-public"),
                    "public_url": settings.PUBLIC_MEDIA_URL,
                },
            },
        }
        yield server


def test_an_s3_outage_during_a_withdrawal_completes_on_the_site_and_retries_the_storage(
    s3, home_page, redis_connection, client, django_capture_on_commit_callbacks
):
    amy, photo, post, names = publish_photo(
        home_page, django_capture_on_commit_callbacks
    )
    assert set(names) <= s3.keys("school-public")
    assert not set(names) & s3.keys("school-private")  # originals stay private
    assert gate_status(names[0]) == 200

    s3.stop()  # the storage is down while the consent officer withdraws
    withdraw(amy, django_capture_on_commit_callbacks)

    public_files = SchoolImage.objects.values_list("public_files", flat=True)
    assert public_files.get(pk=photo.pk) == {}
    assert b"Sports day" in client.get("/news/sports-day/").content
    assert names[0] not in client.get("/news/sports-day/").content.decode()
    assert all(gate_status(name) == 404 for name in names)  # unreachable at once
    removal = MediaRemoval.objects.outstanding().get()
    assert removal.kind == MediaRemoval.Kind.STORAGE
    assert set(removal.targets) == set(names)
    page = dashboard(client)
    assert PANEL_HEADING in page
    assert "The storage could not be reached to delete the copies." in page

    s3.start()  # back
    assert set(names) <= s3.keys("school-public")  # still there: not yet retried
    retry_when_due(MediaRemoval.Kind.STORAGE)
    assert not set(names) & s3.keys("school-public")
    assert not MediaRemoval.objects.outstanding().exists()
    assert PANEL_HEADING not in dashboard(client)


def test_a_retry_while_the_storage_is_still_down_waits_longer_and_says_so(
    s3, home_page, redis_connection, client, django_capture_on_commit_callbacks
):
    amy, photo, post, names = publish_photo(
        home_page, django_capture_on_commit_callbacks
    )
    s3.stop()
    withdraw(amy, django_capture_on_commit_callbacks)
    first = MediaRemoval.objects.outstanding().get()
    retry_when_due(MediaRemoval.Kind.STORAGE)
    second = MediaRemoval.objects.get(pk=first.pk)
    assert second.attempts == 2
    assert second.done_at is None
    wait_before = first.next_attempt_at - first.created_at
    assert second.next_attempt_at - first.next_attempt_at > wait_before  # backs off
    assert "tried 2 times" in dashboard(client)
    s3.start()
    retry_when_due(MediaRemoval.Kind.STORAGE)
    assert not set(names) & s3.keys("school-public")


def http_cdn(settings, emulator) -> None:
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "cms.cdn_backends.HTTPPurgeBackend",
            "LOCATION": emulator.base_url,
        }
    }


def test_a_cdn_refusing_the_purge_is_retried_and_shown_until_it_is_done(
    settings,
    cdn_emulator,
    home_page,
    redis_connection,
    client,
    django_capture_on_commit_callbacks,
):
    amy, photo, post, names = publish_photo(
        home_page, django_capture_on_commit_callbacks
    )
    http_cdn(settings, cdn_emulator)
    cdn_emulator.fail_next(status=503, times=100)
    withdraw(amy, django_capture_on_commit_callbacks)
    run_default_queue()
    removal = MediaRemoval.objects.outstanding().get(kind=MediaRemoval.Kind.CDN)
    assert removal.attempts == 1
    page = dashboard(client)
    assert "Clear from the CDN" in page
    assert "The CDN refused the purge (HTTP 503)." in page

    cdn_emulator.reset()  # the CDN works again
    retry_when_due(MediaRemoval.Kind.CDN)
    purged = set(cdn_emulator.purged)
    assert {f"http://localhost{settings.PUBLIC_MEDIA_URL}{name}" for name in names} <= (
        purged
    )
    assert "http://localhost/news/sports-day/" in purged
    assert PANEL_HEADING not in dashboard(client)


def test_a_cdn_that_does_not_answer_in_time_is_a_failure_kept_for_a_retry(
    settings,
    cdn_emulator,
    home_page,
    redis_connection,
    client,
    django_capture_on_commit_callbacks,
):
    amy, photo, post, names = publish_photo(
        home_page, django_capture_on_commit_callbacks
    )
    http_cdn(settings, cdn_emulator)
    settings.CDN_PURGE_TIMEOUT_SECONDS = 0.3
    cdn_emulator.fail_next("timeout", hold_seconds=5)
    withdraw(amy, django_capture_on_commit_callbacks)
    run_default_queue()
    removal = MediaRemoval.objects.outstanding().get(kind=MediaRemoval.Kind.CDN)
    assert removal.last_error == "The CDN did not answer (ReadTimeout)."
    assert "The CDN did not answer" in dashboard(client)


def test_expiry_purges_the_page_and_its_listings_from_the_cdn(
    settings,
    cdn_emulator,
    home_page,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    amy, photo, post, names = publish_photo(
        home_page, django_capture_on_commit_callbacks
    )
    http_cdn(settings, cdn_emulator)
    type(post).objects.filter(pk=post.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        pages_publish_scheduled(now=timezone.now())
    run_default_queue()
    assert {
        "http://localhost/news/sports-day/",
        "http://localhost/news/",
    } <= set(cdn_emulator.purged)
    assert not MediaRemoval.objects.outstanding().exists()


def test_cloudflare_purges_with_the_zone_token_and_a_refusal_is_kept(
    settings,
    cdn_emulator,
    home_page,
    redis_connection,
    client,
    django_capture_on_commit_callbacks,
):
    amy, photo, post, names = publish_photo(
        home_page, django_capture_on_commit_callbacks
    )
    cloudflare = {
        "BACKEND": "cms.cdn_backends.CloudflarePurgeBackend",
        "ZONEID": DEMO_CLOUDFLARE_ZONE,
        "BEARER_TOKEN": "a-revoked-token",
        "API_URL": f"{cdn_emulator.base_url}/client/v4",
    }
    settings.WAGTAILFRONTENDCACHE = {"cdn": cloudflare}
    withdraw(amy, django_capture_on_commit_callbacks)
    run_default_queue()
    assert cdn_emulator.purged == []
    assert "Cloudflare refused the purge (HTTP 403: Authentication error)." in (
        dashboard(client)
    )
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {**cloudflare, "BEARER_TOKEN": DEMO_CLOUDFLARE_TOKEN}
    }
    retry_when_due(MediaRemoval.Kind.CDN)
    assert "http://localhost/news/sports-day/" in cdn_emulator.purged
    assert not MediaRemoval.objects.outstanding().exists()


def test_cloudfront_is_sent_an_invalidation_of_the_paths(settings):
    with s3_server() as aws:
        cloudfront = aws.client("cloudfront")
        distribution = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "school",
                "Comment": "school",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "web",
                            "DomainName": "school.example",
                            "CustomOriginConfig": {
                                "HTTPPort": 80,
                                "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only",
                            },
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "web",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                    "ForwardedValues": {
                        "QueryString": False,
                        "Cookies": {"Forward": "none"},
                    },
                    "TrustedSigners": {"Enabled": False, "Quantity": 0},
                },
            }
        )["Distribution"]["Id"]
        params = {
            "DISTRIBUTION_ID": distribution,
            "ENDPOINT_URL": aws.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        CloudFrontPurgeBackend(dict(params)).purge_batch(
            ["https://school.example/news/sports-day/", "https://school.example/"]
        )
        invalidations = cloudfront.list_invalidations(DistributionId=distribution)
        [summary] = invalidations["InvalidationList"]["Items"]
        paths = cloudfront.get_invalidation(
            DistributionId=distribution, Id=summary["Id"]
        )["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
        assert sorted(paths) == ["/", "/news/sports-day/"]

        unknown = CloudFrontPurgeBackend({**params, "DISTRIBUTION_ID": "NOSUCH"})
        with pytest.raises(CdnPurgeFailed, match="CloudFront refused the purge"):
            unknown.purge_batch(["https://school.example/"])
