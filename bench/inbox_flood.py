"""A comment flood: 500 comments on one post, read by one poll with every rule applied
(a register of 1,000 learners, both word lists), then read again; every comment must
be one inbox item, none lost or doubled. Target: the poll within one polling interval
(5 minutes); prints comments per second and the harmful ones hidden.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import PublishingStack, make_school

COMMENTS = int(__import__("os").environ.get("BENCH_COMMENTS", "500"))
LEARNERS = 1000
POLL_INTERVAL_SECONDS = 5 * 60


def main() -> int:
    with PublishingStack() as stack:
        from wagtail.models import Site

        from moderation.models import Learner
        from publishing.inbox.models import InboxItem, InboxWordList
        from publishing.inbox.services import inbox_read
        from publishing.networks.facebook import FacebookPageNetwork

        _index, accounts = make_school(accounts=2)
        facebook = next(a for a in accounts if a.network == "facebook")
        Learner.objects.bulk_create(
            Learner(external_id=f"L{n}", first_name=f"Pupil{n}", last_name=f"Family{n}")
            for n in range(LEARNERS)
        )
        site = Site.objects.get(is_default_site=True)
        InboxWordList.objects.create(site=site, language="en", words="useless\nidiot")
        InboxWordList.objects.create(site=site, language="cy", words="twpsyn")
        post = FacebookPageNetwork(credentials=stack.facebook.credentials).publish(
            text="Sports day!", images=[]
        )
        for number in range(COMMENTS):
            if number % 50 == 0:
                text = f"Pupil{number} Family{number} was brilliant"  # names a pupil
            elif number % 25 == 0:
                text = f"Useless, comment {number}"
            else:
                text = f"Lovely day 🎉 Diolch! ({number})"
            stack.facebook.add_comment(post.remote_id, message=text)
        started = time.perf_counter()
        new = inbox_read(account=facebook)
        elapsed = time.perf_counter() - started
        again = inbox_read(account=facebook)
        stored = InboxItem.objects.filter(account=facebook).count()
        hidden = sum(c["is_hidden"] for c in stack.facebook.state()["comments"])
        print(
            f"comments read by one poll: {new} of {COMMENTS}; read again: {again} new"
        )
        print(f"inbox items: {stored} (target {COMMENTS}: none lost, none doubled)")
        print(f"hidden on the network by the rules: {hidden} (expected 20)")
        print(
            f"poll with every rule applied: {elapsed:.1f} s, "
            f"{COMMENTS / elapsed:.0f} comments/s "
            f"(target < {POLL_INTERVAL_SECONDS} s, one polling interval)"
        )
        ok = new == stored == COMMENTS and again == 0 and hidden == 20
        return 0 if ok and elapsed < POLL_INTERVAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
