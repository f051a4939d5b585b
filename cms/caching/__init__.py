"""Caching for the public site: a content generation, the page cache, view restrictions.

Snow-day traffic is read-only and the same for every parent, so anonymous responses
are kept whole and shared. Everything cached here is keyed on one site-wide *content
generation* that every content change replaces (see ``generation``): a publish, an
unpublish, a consent withdrawal or a banner change invalidates every cached page at
once, which is simpler and safer than working out which pages one change touched.
"""
