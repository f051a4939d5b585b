"""Run the network emulators and the mail sink until stopped (`make run` starts them).

For the demo (`make run`) and for trying the connect flows by hand. The mail sink
(an SMTP server keeping what it is sent, with a page listing it) and the push service
(emulators/push.py, with a page listing the notifications) run beside them.
The emulators
accept the app keys from the same environment variables the site reads
(SOCIAL_X_CONSUMER_KEY / _SECRET, SOCIAL_FACEBOOK_APP_ID / _SECRET, which Instagram
shares), or the demo values in emulators/x.py and emulators/facebook.py when those
are unset. The Bluesky emulator takes the demo account's app password
(emulators/bluesky.py).
Ctrl-C or SIGTERM stops them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .bluesky import BlueskyEmulator
from .facebook import DEMO_FACEBOOK_APP, FacebookEmulator
from .instagram import InstagramEmulator
from .mail import MailSink
from .push import PushServiceEmulator
from .x import DEMO_X_APP, XEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--x-port", type=int, default=8101, help="0 picks a free port")
    parser.add_argument("--facebook-port", type=int, default=8102)
    parser.add_argument("--instagram-port", type=int, default=8103)
    parser.add_argument("--bluesky-port", type=int, default=8104)
    parser.add_argument("--mail-page-port", type=int, default=8105)
    parser.add_argument("--smtp-port", type=int, default=8125)
    parser.add_argument("--push-port", type=int, default=8106)
    args = parser.parse_args(argv)

    x = XEmulator(
        host=args.host,
        port=args.x_port,
        consumer_key=os.environ.get("SOCIAL_X_CONSUMER_KEY")
        or DEMO_X_APP["consumer_key"],
        consumer_secret=os.environ.get("SOCIAL_X_CONSUMER_SECRET")
        or DEMO_X_APP["consumer_secret"],
    )
    facebook = FacebookEmulator(
        host=args.host,
        port=args.facebook_port,
        app_id=os.environ.get("SOCIAL_FACEBOOK_APP_ID") or DEMO_FACEBOOK_APP["app_id"],
        app_secret=os.environ.get("SOCIAL_FACEBOOK_APP_SECRET")
        or DEMO_FACEBOOK_APP["app_secret"],
    )
    instagram = InstagramEmulator(
        host=args.host,
        port=args.instagram_port,
        app_id=facebook.app_id,
        app_secret=facebook.app_secret,
    )
    bluesky = BlueskyEmulator(host=args.host, port=args.bluesky_port)
    mail = MailSink(host=args.host, port=args.mail_page_port, smtp_port=args.smtp_port)
    push = PushServiceEmulator(host=args.host, port=args.push_port)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with x, facebook, instagram, bluesky, mail, push:
        sys.stdout.write(
            f"X emulator: {x.base_url}/\nFacebook emulator: {facebook.base_url}/\n"
            f"Instagram emulator: {instagram.base_url}/\n"
            f"Bluesky emulator: {bluesky.base_url}/\n"
            f"Mail sink: SMTP port {mail.smtp_port}, received mail {mail.base_url}/\n"
            f"Push service: received notifications {push.base_url}/\n"
        )
        sys.stdout.flush()
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
