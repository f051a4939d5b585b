"""Mentions: posts about the school elsewhere on the internet, monitored for staff.

"The school will pro-actively monitor the internet for public postings about the
school" (000). Alerts arrive as RSS/Atom feeds the school adds (Google Alerts and
similar services deliver keyword alerts as feeds) and from a Bluesky search for the
school's name and keywords. Posts under the school's own accounts (comments, replies,
mentions of the account) are the social inbox's (``publishing.inbox``); this app is
for what is said elsewhere. Posts naming a learner or a member of staff are flagged;
the safeguarding lead and the head choose how often they are emailed.

A way in beside the inbox, kept apart from it: it reads publishing's account register
(the school's connected Bluesky account searches) and moderation's register (names),
and neither of them imports it.
"""
