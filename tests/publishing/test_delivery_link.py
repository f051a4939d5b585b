"""The mark that finds a post again: the page's link with the delivery's id (P2)."""

from publishing.text import carries_link, link_for_delivery, post_text_for_delivery

PAGE = "https://school.example/news/sports-day/"


def test_the_link_carries_the_delivery_id_and_keeps_other_parameters():
    assert link_for_delivery(link=PAGE, delivery_id=12) == f"{PAGE}?ref=12"
    assert (
        link_for_delivery(link=f"{PAGE}?lang=cy&ref=3", delivery_id=12)
        == f"{PAGE}?lang=cy&ref=12"
    )


def test_a_post_is_matched_by_its_own_link_only():
    text = f"Sports day!\n\n{PAGE}?ref=123"
    assert carries_link(text, f"{PAGE}?ref=123")
    assert not carries_link(text, f"{PAGE}?ref=12")  # a longer id is another post
    assert carries_link(f"See {PAGE}?ref=12. Well done", f"{PAGE}?ref=12")
    assert not carries_link("Sports day!", f"{PAGE}?ref=12")


def test_the_editors_own_link_becomes_the_delivery_link_so_there_is_one_link():
    ours = f"{PAGE}?ref=7"
    text = post_text_for_delivery(
        text=f"Read {PAGE} now", page_url=PAGE, delivery_link=ours
    )
    assert text == f"Read {ours} now"
    assert (
        post_text_for_delivery(text="Well done all", page_url=PAGE, delivery_link=ours)
        == f"Well done all\n\n{ours}"
    )
