"""Run the emulators until stopped: `python -m emulators.serve --x-port 8101`.

For the demo (`make run`) and for trying the connect flows by hand. The mail sink
(an SMTP server keeping what it is sent, with a page listing it) runs beside them.
The emulators
accept the app keys from the same environment variables the site reads
(SOCIAL_X_CONSUMER_KEY / _SECRET, SOCIAL_FACEBOOK_APP_ID / _SECRET), or the demo
values in emulators/x.py and emulators/facebook.py when those are unset.
Ctrl-C or SIGTERM stops them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .facebook import DEMO_FACEBOOK_APP, FacebookEmulator
from .mail import MailSink
from .x import DEMO_X_APP, XEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--x-port", type=int, default=8101, help="0 picks a free port")
    parser.add_argument("--facebook-port", type=int, default=8102)
    parser.add_argument("--mail-page-port", type=int, default=8103)
    parser.add_argument("--smtp-port", type=int, default=8125)
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
    mail = MailSink(host=args.host, port=args.mail_page_port, smtp_port=args.smtp_port)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with x, facebook, mail:
        sys.stdout.write(
            f"X emulator: {x.base_url}/\nFacebook emulator: {facebook.base_url}/\n"
            f"Mail sink: SMTP port {mail.smtp_port}, received mail {mail.base_url}/\n"
        )
        sys.stdout.flush()
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
