"""Only trained staff touch the accounts: the school's social-media policy, read and
understood before the inbox, Connect or a post's buttons open.

"Anyone running an account on the school's behalf has read and understood this
policy" (000, 001, 004). Each school chooses the page that publishes its policy
(``SocialMediaPolicy``, a site setting); the policy's version is that page's live
revision, so publishing a change asks everyone again. ``PolicyAcknowledgement`` keeps
who acknowledged which version when; the account's governance page lists them.

No page chosen: nobody is locked out (the accounts keep running), and the head and
senior leadership are warned on their dashboard and on each account's governance
page until one is chosen.
"""
