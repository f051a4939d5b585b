"""The consent rule-set, as the workflow's automatic check needs it (C1-C4).

The one place the workflow touches the consent contract (``moderation.consent.rules``):
the problems with a page on the website and on every social account it will go to.
"""


def _channels(page) -> list:
    """The website, plus one channel per social account the page will go to."""
    from moderation.consent.rules import Channel

    channels = [Channel.website()]
    posts = getattr(page, "social_posts", None)
    if posts is not None:
        channels += [
            Channel.social(
                name=str(post.account),
                closed=post.account.is_closed,
                text=post.text,
            )
            for post in posts.all()
        ]
    return channels


def page_problems(page) -> list[str]:
    """Plain-English problems stopping ``page`` going out on any channel; [] if none."""
    # Imported here, not at the top: the rule-set imports moderation.models, which
    # imports the workflow task that calls this.
    from moderation.consent.rules import page_violations

    messages = []
    for channel in _channels(page):
        for violation in page_violations(page, channel=channel):
            if violation.message not in messages:
                messages.append(violation.message)
    return messages
