"""One form for an email address, so the same address is one subscriber."""

from __future__ import annotations


def email_key(address: str) -> str:
    """The address lower-cased, with an internationalised domain in its ASCII form.

    ``Parent@Example.COM`` and ``parent@example.com`` are one subscriber, and so are
    ``tad@bücher.example`` and ``tad@xn--bcher-kva.example``. Providers treat the
    part before the @ without regard to case in practice, and so does this.
    """
    local, _, domain = address.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # the form's validator has refused such a domain already
    return f"{local}@{domain}".lower()
