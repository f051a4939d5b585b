"""Statutory information: what the law requires a school website to publish.

The requirement lists are data (``requirements.toml``, loaded by ``catalogue``); each
school (a Wagtail ``Site``) records which page or document meets each item, who owns
it and when it was last reviewed (``models``). ``status`` says green, amber or red,
``link_check`` whether a link still reaches the public, and the nightly job reminds
owners through the one review engine (``cms.review_reminders``).
"""
