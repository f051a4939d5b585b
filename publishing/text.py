"""The text of a post: the editor's words plus the link back to the website (P2)."""

from __future__ import annotations


def post_text_with_link(*, text: str, link: str) -> str:
    """Append the page's link unless the editor already included it (P2)."""
    text = text.strip()
    if link in text:
        return text
    return f"{text}\n\n{link}" if text else link
