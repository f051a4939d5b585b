"""One adapter per social network, behind the `Network` contract in `base.py`.

Which adapter serves which account type is the explicit settings map
`SOCIAL_NETWORK_ADAPTERS` (like Wagtail's `WAGTAILFRONTENDCACHE`), resolved with
`import_string`: no import-time self-registration.
"""
