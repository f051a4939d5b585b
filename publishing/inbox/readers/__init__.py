"""One reader per network: plain data in, plain data out (no ORM, no settings beyond
the constructor). Which reader serves which network is `SOCIAL_INBOX_READERS`."""
