"""What a visitor typed into a search box, made safe for the search backends.

Shared by the site search page and the API's ``?search=``: both hand the text to
Wagtail's search backend, which reads some punctuation as query syntax.
"""

import re
import unicodedata

MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")


def clean_query(raw: str | None) -> str:
    """The search text a parent meant: control characters dropped, spaces squeezed.

    Control characters (NUL among them, which PostgreSQL refuses in a query) never
    reach the search backend; overlong queries are cut to MAX_QUERY_LENGTH.
    """
    text = "".join(
        " " if unicodedata.category(character).startswith("C") else character
        for character in (raw or "")
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search_terms(query: str) -> str:
    """Only the words of ``query``: quotes, brackets and operators are dropped.

    The search backends read some punctuation as query syntax (an unpaired quote is
    an SQLite full-text error), and a parent never means it as such.
    """
    return " ".join(WORD.findall(query))
