"""Content-Security-Policy for production (ASVS V3.4.3), applied by django-csp.

Two policies, chosen by path in ``cms.content_security_policy``:

- The public site has no JavaScript at all, so its policy allows no script, no
  plugin, no inline style, and only the school's own pictures, styles and fonts;
  videos come only from the players the video block accepts. The one exception is
  the "notify me on this device" page (``alerts/views_push.py``): its response
  replaces ``script-src``, ``worker-src`` and ``connect-src`` with the exact URLs of
  its opt-in script, its service worker and the two addresses the script posts to.
- The staff admin (``/admin/``) runs Wagtail's JavaScript. Wagtail 8 still writes
  some inline scripts (inline panels, date pickers) and inline styles without a
  nonce, so scripts and styles may be inline there; because a nonce in the policy
  would make browsers ignore 'unsafe-inline', none is sent for scripts. Everything
  else stays closed: no plugins, no other origins for scripts, no <base> tricks,
  forms post only here (and to the networks' sign-in pages for Connect).

Both allow framing only by the site itself (``frame-ancestors 'self'``), which keeps
the review screen's page preview working while other sites cannot frame the admin.
Extra origins for uploaded media on another host (S3, a CDN) come from
``CSP_MEDIA_ORIGINS`` (comma-separated).
"""

import os

from csp.constants import NONE, SELF, UNSAFE_INLINE

MEDIA_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSP_MEDIA_ORIGINS", "").split(",")
    if origin.strip()
]
#: The players whose videos the video block shows (wagtail.embeds, oEmbed iframes).
VIDEO_PLAYERS = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
#: Where "Connect" sends staff to sign in to the school's X and Facebook accounts.
NETWORK_SIGN_IN_PAGES = [
    "https://x.com",
    "https://api.x.com",
    "https://www.facebook.com",
]

CSP_ADMIN_PREFIXES = ("/admin/",)

CONTENT_SECURITY_POLICY = {
    # Documents are files of the accepted types only (PDF, office files, text; never
    # HTML or SVG), sent with nosniff: a page policy there would only get in the way
    # of browsers' own PDF viewers.
    "EXCLUDE_URL_PREFIXES": ["/documents/"],
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "frame-src": VIDEO_PLAYERS,
        "connect-src": [NONE],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
        "upgrade-insecure-requests": True,
    },
}

CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
        "font-src": [SELF, "data:"],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "frame-src": [SELF, *VIDEO_PLAYERS],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *NETWORK_SIGN_IN_PAGES],
        "frame-ancestors": [SELF],
        "upgrade-insecure-requests": True,
    }
}
